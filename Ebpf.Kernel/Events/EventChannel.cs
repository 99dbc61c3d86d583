using System.Runtime.CompilerServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// What <see cref="RingBufferReader"/>, <see cref="UserRingBuffer"/> and <see cref="PerfEventReader"/> share: the checked
/// map and a reference on it, the epoll set, for (user) ring buffers the mmapped consumer and producer pages, waiting
/// until the owner is ready, the record stream, and the Dispose protocol (a blocked wait wakes; memory is released once
/// it has left).
/// </summary>
internal sealed unsafe class EventChannel
{
    private readonly IBpfSyscalls _sys;
    private readonly BpfFileDescriptor _map;
    private readonly nuint _pageSize = (nuint)Environment.SystemPageSize;
    private nint _consumerPage;
    private nint _producerPage;
    private bool _mapReferenced;
    private EpollWaitSet? _waiter;

    private EventChannel(IBpfSyscalls sys, BpfFileDescriptor map, BpfMapType type, string parameterName)
    {
        this._sys = sys;
        this._map = map;
        Info = ObjectInfo.OfMap(sys, map, type, parameterName);
        map.DangerousAddRef(ref _mapReferenced);
    }

    /// <summary>The map's info, read when the channel was opened.</summary>
    public MapInfo Info { get; }

    /// <summary>The epoll set the owner waits on.</summary>
    public EpollWaitSet Waiter => _waiter ?? throw new InvalidOperationException("the channel has no epoll set yet");

    /// <summary>Size of a (user) ring buffer's data area: the map's max_entries.</summary>
    public int Size { get; private set; }

    /// <summary>The consumer position, first in the consumer page.</summary>
    public long* ConsumerPosition => (long*)_consumerPage;

    /// <summary>The producer position, first in the producer page.</summary>
    public long* ProducerPosition => (long*)_producerPage;

    /// <summary>The data area after the producer page, mapped twice so that no record wraps.</summary>
    public byte* Data => (byte*)_producerPage + _pageSize;

    /// <summary>
    /// Opens a BPF ring buffer (<paramref name="userProducer"/> false: user space consumes) or user ring buffer (true: user
    /// space produces): checks the map type, maps the consumer page and the producer page plus the data area twice, the
    /// side user space moves writable, and waits on the map for input (consumer) or room (producer).
    /// </summary>
    /// <exception cref="ArgumentException">The map is of another type.</exception>
    /// <exception cref="EbpfException">mmap or epoll failed.</exception>
    public static EventChannel OpenRing(IBpfSyscalls sys, BpfFileDescriptor map, BpfMapType type, string parameterName, bool userProducer)
    {
        var channel = new EventChannel(sys, map, type, parameterName);
        try
        {
            channel.Size = checked((int)channel.Info.MaxEntries);
            var consumerSide = userProducer ? MmapProtection.Read : MmapProtection.Read | MmapProtection.Write;
            var producerSide = userProducer ? MmapProtection.Read | MmapProtection.Write : MmapProtection.Read;
            channel._consumerPage = sys.System().Mmap(0, channel._pageSize, consumerSide, MmapFlags.Shared, map, 0);
            channel._producerPage = sys.System().Mmap(0, channel.ProducerLength, producerSide, MmapFlags.Shared, map, (long)channel._pageSize);
            channel.Watch(1).Add(map, userProducer ? EpollEvents.Out : EpollEvents.In, 0);
            return channel;
        }
        catch
        {
            channel.Abort();
            throw;
        }
    }

    /// <summary>Opens a perf event array: checks the map type and references it; the owner adds its rings with <see cref="Watch"/>.</summary>
    /// <exception cref="ArgumentException">The map is of another type.</exception>
    public static EventChannel OpenPerfEventArray(IBpfSyscalls sys, BpfFileDescriptor map, string parameterName) =>
        new(sys, map, BpfMapType.PerfEventArray, parameterName);

    /// <summary>Throws unless <paramref name="map"/> is of <paramref name="type"/>; returns its descriptor.</summary>
    /// <exception cref="ArgumentException">The map is of another type.</exception>
    public static BpfFileDescriptor Expect(Map map, BpfMapType type, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(map, parameterName);
        if (map.Type != type)
        {
            throw new ArgumentException($"the map {map.Name} is a {KernelNames.Of(map.Type)}, not a {KernelNames.Of(type)}", parameterName);
        }

        return map.FileDescriptor;
    }

    /// <summary>Creates the epoll set for up to <paramref name="capacity"/> descriptors.</summary>
    public EpollWaitSet Watch(int capacity) => _waiter = new EpollWaitSet(_sys, capacity);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> until <paramref name="ready"/> holds, checking it before each epoll wait.
    /// When epoll reports the descriptor ready but <paramref name="ready"/> does not hold yet (a record still being
    /// written, too little room), yields the thread, or sleeps <paramref name="backoffMilliseconds"/> when above 0.
    /// </summary>
    /// <returns>False when the timeout expired first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool WaitUntil<TState>(TState state, Func<TState, bool> ready, WaitTimeout timeout, CancellationToken cancellationToken, int backoffMilliseconds = 0)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ready(state))
            {
                return true;
            }

            int remaining = timeout.Remaining;
            if (remaining == 0)
            {
                return false;
            }

            if (Waiter.Wait(remaining, cancellationToken) > 0 && !ready(state))
            {
                if (backoffMilliseconds > 0)
                {
                    Thread.Sleep(backoffMilliseconds);
                }
                else
                {
                    Thread.Yield();
                }
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/>'s records as they arrive until <paramref name="cancellationToken"/> is cancelled:
    /// a dedicated thread waits and resumes the stream on itself (<see cref="EventReadThread"/>).
    /// </summary>
    public static IAsyncEnumerable<TRecord> ReadAllAsync<TRecord>(IEventSource<TRecord> source, CancellationToken cancellationToken) =>
        EventReadThread.ReadAllAsync(source, cancellationToken);

    /// <summary>
    /// The owner's Dispose: wakes a blocked wait and, once no wait is in progress, runs <paramref name="releaseOwner"/>,
    /// unmaps the pages and releases the map.
    /// </summary>
    public void Close(Action? releaseOwner = null) => Waiter.Close(() =>
    {
        releaseOwner?.Invoke();
        Release();
    });

    /// <summary>Releases everything at once, for a constructor that failed.</summary>
    public void Abort()
    {
        _waiter?.Dispose();
        Release();
    }

    private nuint ProducerLength => _pageSize + (2 * (nuint)Size);

    private void Release()
    {
        if (_producerPage != 0)
        {
            _sys.System().Munmap(_producerPage, ProducerLength);
            _producerPage = 0;
        }

        if (_consumerPage != 0)
        {
            _sys.System().Munmap(_consumerPage, _pageSize);
            _consumerPage = 0;
        }

        if (_mapReferenced)
        {
            _mapReferenced = false;
            _map.DangerousRelease();
        }
    }
}
