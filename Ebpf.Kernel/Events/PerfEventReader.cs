using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Reads what BPF programs write with <c>bpf_perf_event_output</c> to a <c>BPF_MAP_TYPE_PERF_EVENT_ARRAY</c>: opens a
/// <c>PERF_COUNT_SW_BPF_OUTPUT</c> event with a mmapped ring on every online CPU, stores each in the map at its CPU
/// index and waits on all of them with epoll.
/// <para>
/// Records of one CPU come in order; CPUs are visited in turn. Samples the kernel could not write because a ring was
/// full are reported as lost records (<see cref="PerfEventRecord.LostSamples"/>). One consumer at a time: the reader
/// is not thread-safe, except that cancelling a token wakes a blocked wait.
/// </para>
/// </summary>
public sealed unsafe partial class PerfEventReader : IDisposable, IEventSource<PerfEventRecord>
{
    private const int MaxRecordSize = ushort.MaxValue + 1;

    private readonly IBpfSyscalls _sys;
    private readonly BpfFileDescriptor _map;
    private readonly EventChannel _channel;
    private readonly PerfEventRing[] _rings;
    private readonly byte[] _scratch = new byte[MaxRecordSize];
    private bool _disposed;
    private int _next;
    private PerfEventRing? _leased;

    /// <summary>Opens a ring per online CPU and stores them in <paramref name="perfEventArray"/>.</summary>
    /// <param name="perfEventArray">The map; the reader keeps it open (adds a reference) until disposed.</param>
    /// <param name="options">Ring size, wake-up and overwrite settings; defaults when null.</param>
    /// <param name="syscalls">The kernel interface; <see cref="LinuxBpfSyscalls.Instance"/> when null.</param>
    /// <exception cref="ArgumentException">The map is not a perf event array, or the options are invalid.</exception>
    /// <exception cref="EbpfException">perf_event_open, mmap, the map update or epoll failed.</exception>
    public PerfEventReader(BpfFileDescriptor perfEventArray, PerfEventReaderOptions? options = null, IBpfSyscalls? syscalls = null)
        : this(perfEventArray, options, syscalls, null)
    {
    }

    /// <summary>Opens a ring per online CPU and stores them in <paramref name="perfEventArray"/>.</summary>
    /// <param name="perfEventArray">The map; the reader keeps its descriptor open (adds a reference) until disposed.</param>
    /// <param name="options">Ring size, wake-up and overwrite settings; defaults when null.</param>
    /// <param name="syscalls">The kernel interface; the map's when null.</param>
    /// <exception cref="ArgumentException">The map is not a perf event array, or the options are invalid.</exception>
    /// <exception cref="EbpfException">perf_event_open, mmap, the map update or epoll failed.</exception>
    public PerfEventReader(Map perfEventArray, PerfEventReaderOptions? options = null, IBpfSyscalls? syscalls = null)
        : this(EventChannel.Expect(perfEventArray, BpfMapType.PerfEventArray, nameof(perfEventArray)), options, syscalls ?? perfEventArray.Syscalls, null)
    {
    }

    /// <summary>Opens rings on the given CPUs only (tests use fake CPU lists).</summary>
    internal PerfEventReader(BpfFileDescriptor perfEventArray, PerfEventReaderOptions? options, IBpfSyscalls? syscalls, int[]? cpus)
    {
        ArgumentNullException.ThrowIfNull(perfEventArray);
        options ??= new PerfEventReaderOptions();
        if (options.PagesPerCpu <= 0 || (options.PagesPerCpu & (options.PagesPerCpu - 1)) != 0)
        {
            throw new ArgumentException($"PagesPerCpu must be a power of two, not {options.PagesPerCpu}", nameof(options));
        }

        _sys = syscalls ?? LinuxBpfSyscalls.Instance;
        _map = perfEventArray;
        Options = options;
        cpus ??= CpuList.Online();
        _channel = EventChannel.OpenPerfEventArray(_sys, perfEventArray, nameof(perfEventArray));
        var info = _channel.Info;
        var opened = new List<PerfEventRing>();
        try
        {
            foreach (int cpu in cpus)
            {
                if ((uint)cpu >= info.MaxEntries)
                {
                    continue;
                }

                PerfEventRing ring;
                try
                {
                    ring = new PerfEventRing(_sys, cpu, options);
                }
                catch (EbpfException e) when (e.Errno == Errno.ENODEV)
                {
                    continue; // went offline
                }

                opened.Add(ring);
            }

            if (opened.Count == 0)
            {
                throw new ArgumentException($"the perf event array has {info.MaxEntries} entries, none for an online CPU", nameof(perfEventArray));
            }

            _rings = [.. opened];
            var waiter = _channel.Watch(_rings.Length);
            for (int i = 0; i < _rings.Length; i++)
            {
                waiter.Add(_rings[i].Fd, EpollEvents.In, (ulong)i);
            }

            Resume();
        }
        catch
        {
            foreach (var ring in opened)
            {
                ring.Dispose();
            }

            _channel.Abort();
            throw;
        }
    }

    /// <summary>The settings the rings were made with.</summary>
    public PerfEventReaderOptions Options { get; }

    /// <summary>The CPUs with a ring, ascending.</summary>
    public IReadOnlyList<int> Cpus => Array.ConvertAll(_rings, r => r.Cpu);

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>The total of the lost-sample counts read so far.</summary>
    public ulong LostSamples { get; private set; }

    /// <summary>
    /// The most bytes (record headers included) found written and not read in one CPU's ring when a read started, since
    /// the reader was made: how close a ring came to full, where the kernel drops samples.
    /// </summary>
    public long BacklogHighWater
    {
        get
        {
            long most = 0;
            foreach (var ring in _rings)
            {
                most = Math.Max(most, ring.BacklogHighWater);
            }

            return most;
        }
    }

    /// <summary>Bytes written to the rings and not read yet (record headers included).</summary>
    public long AvailableBytes
    {
        get
        {
            ThrowIfDisposed();
            long total = 0;
            foreach (var ring in _rings)
            {
                total += ring.AvailableBytes;
            }

            return total;
        }
    }

    /// <summary>Removes the rings from the map: programs' output fails (and is not counted as lost) until <see cref="Resume"/>. Records already written stay readable.</summary>
    public void Pause()
    {
        ThrowIfDisposed();
        foreach (var ring in _rings)
        {
            uint key = (uint)ring.Cpu;
            using var mapUse = new FdUse(_map);
            var errno = _sys.TryMapDeleteElem(new MapElemAttr { MapFd = mapUse.Fd, Key = (ulong)&key });
            if (errno is not Errno.None and not Errno.ENOENT)
            {
                throw errno.ToException(BpfCommand.MapDeleteElem);
            }
        }

        IsPaused = true;
    }

    /// <summary>Stores the rings in the map again after <see cref="Pause"/>.</summary>
    public void Resume()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var ring in _rings)
        {
            uint key = (uint)ring.Cpu;
            using var mapUse = new FdUse(_map);
            using var ringUse = new FdUse(ring.Fd);
            uint value = ringUse.Fd;
            _sys.MapUpdateElem(new MapElemAttr { MapFd = mapUse.Fd, Key = (ulong)&key, Value = (ulong)&value });
        }

        IsPaused = false;
    }

    /// <summary>Reads the next record without waiting.</summary>
    /// <returns>False when no ring has a record.</returns>
    public bool TryRead(out PerfEventRecord record)
    {
        if (!TryPeek(out var ring, out var sample, out ulong lost))
        {
            record = default;
            return false;
        }

        record = new PerfEventRecord(ring.Cpu, sample.IsEmpty ? ReadOnlyMemory<byte>.Empty : Copy(sample), lost);
        Commit(ring, lost);
        return true;
    }

    /// <summary>Reads the next record, waiting up to <paramref name="timeout"/> for one.</summary>
    /// <returns>False when the timeout expired first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool TryRead(TimeSpan timeout, out PerfEventRecord record, CancellationToken cancellationToken = default)
    {
        if (_channel.WaitUntil(this, static reader => reader.HasRecord(), WaitTimeout.Start(timeout), cancellationToken))
        {
            return TryRead(out record);
        }

        record = default;
        return false;
    }

    /// <summary>Reads the next record, waiting as long as needed.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public PerfEventRecord Read(CancellationToken cancellationToken = default)
    {
        TryRead(Timeout.InfiniteTimeSpan, out var record, cancellationToken);
        return record;
    }

    /// <summary>Copies the next record's sample into <paramref name="destination"/> without waiting.</summary>
    /// <param name="destination">Receives the sample bytes (nothing for a lost record).</param>
    /// <param name="length">The sample length.</param>
    /// <param name="cpu">The CPU of the record.</param>
    /// <param name="lostSamples">For a lost record, the number of samples dropped; else 0.</param>
    /// <returns>False when no ring has a record.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than the sample; the record is left unread.</exception>
    public bool TryReadInto(Span<byte> destination, out int length, out int cpu, out ulong lostSamples)
    {
        if (!TryPeek(out var ring, out var sample, out lostSamples))
        {
            length = 0;
            cpu = -1;
            return false;
        }

        if (sample.Length > destination.Length)
        {
            throw new ArgumentException($"the sample has {sample.Length} bytes, the destination holds {destination.Length}", nameof(destination));
        }

        sample.CopyTo(destination);
        length = sample.Length;
        cpu = ring.Cpu;
        Commit(ring, lostSamples);
        return true;
    }

    /// <summary>Copies the next record's sample into <paramref name="destination"/>, waiting as long as needed; returns its length.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than the sample; the record is left unread.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int ReadInto(Span<byte> destination, out int cpu, out ulong lostSamples, CancellationToken cancellationToken = default)
    {
        Wait(Timeout.InfiniteTimeSpan, cancellationToken);
        TryReadInto(destination, out int length, out cpu, out lostSamples);
        return length;
    }

    /// <summary>Lends the next record in place (zero copy) without waiting; disposing the lease consumes it.</summary>
    /// <returns>False when no ring has a record.</returns>
    public bool TryAcquire(out PerfEventLease lease)
    {
        if (!TryPeek(out var ring, out var sample, out ulong lost))
        {
            lease = default;
            return false;
        }

        _leased = ring;
        lease = new PerfEventLease(this, ring, ring.Cpu, sample, lost);
        return true;
    }

    /// <summary>Hands the next record to <paramref name="handler"/> in place, then consumes it; does not wait.</summary>
    /// <returns>False when no ring has a record.</returns>
    /// <remarks>The record is consumed even when the handler throws.</remarks>
    public bool TryConsume(PerfEventRecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!TryPeek(out var ring, out var sample, out ulong lost))
        {
            return false;
        }

        try
        {
            handler(ring.Cpu, sample, lost);
        }
        finally
        {
            Commit(ring, lost);
        }

        return true;
    }

    /// <summary>Hands every available record (at most <paramref name="maxRecords"/>) to <paramref name="handler"/> in place; does not wait.</summary>
    /// <returns>The number of records handled.</returns>
    public int Consume(PerfEventRecordHandler handler, int maxRecords = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(handler);
        int count = 0;
        while (count < maxRecords && TryConsume(handler))
        {
            count++;
        }

        return count;
    }

    /// <summary>Waits up to <paramref name="timeout"/> until a record is available.</summary>
    /// <returns>False when the timeout expired first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _channel.WaitUntil(this, static reader => reader.HasRecord(), WaitTimeout.Start(timeout), cancellationToken);

    /// <summary>Drops every record available now.</summary>
    /// <returns>The number of records dropped (lost records included; their counts still add to <see cref="LostSamples"/>).</returns>
    public int Flush()
    {
        int count = 0;
        while (TryPeek(out var ring, out _, out ulong lost))
        {
            Commit(ring, lost);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Reads records as they arrive until <paramref name="cancellationToken"/> is cancelled. Waits run on a dedicated
    /// thread that, once woken, resumes the stream itself: the loop body runs on it, with no thread-pool hop between the
    /// wake-up and the records, as long as the body completes synchronously (<c>ConfigureAwait(false)</c>). Leaving the
    /// loop stops the thread.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<PerfEventRecord> ReadAllAsync(CancellationToken cancellationToken = default) =>
        EventChannel.ReadAllAsync(this, cancellationToken);

    /// <summary>
    /// Reads records as they arrive until <paramref name="cancellationToken"/> is cancelled, as
    /// <see cref="ReadAllAsync(CancellationToken)"/>, with the data lifetime <paramref name="lifetime"/>:
    /// <see cref="RecordLifetime.Owned"/> gives each record an array of its own;
    /// <see cref="RecordLifetime.UntilNextRecord"/> copies each record into one buffer the stream owns and consumes it at
    /// once, and the record's <c>Data</c> is valid only until the next <c>MoveNextAsync</c> (the next iteration of
    /// <c>await foreach</c>), also while the loop body awaits: no allocation per record, as cilium/ebpf's <c>ReadInto</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lifetime"/> is not a <see cref="RecordLifetime"/> value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<PerfEventRecord> ReadAllAsync(RecordLifetime lifetime, CancellationToken cancellationToken = default) => lifetime switch
    {
        RecordLifetime.Owned => ReadAllAsync(cancellationToken),
        RecordLifetime.UntilNextRecord => EventChannel.ReadAllAsync(new PerfEventReusingSource(this), cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "not a RecordLifetime value"),
    };

    /// <summary>
    /// Removes the rings from the map, closes the events and unmaps the rings. A wait blocked on another thread wakes
    /// and throws <see cref="ObjectDisposedException"/> (the rings are unmapped once it has left); other calls must not
    /// run concurrently with Dispose.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_map.IsClosed && !_map.IsDisposeRequested) // a map closed first cannot be reached to clear its entries
        {
            try
            {
                using var mapUse = new FdUse(_map);
                foreach (var ring in _rings)
                {
                    uint key = (uint)ring.Cpu;
                    _sys.TryMapDeleteElem(new MapElemAttr { MapFd = mapUse.Fd, Key = (ulong)&key });
                }
            }
            catch (ObjectDisposedException)
            {
                // closed concurrently: nothing left to clear
            }
        }

        _channel.Close(ReleaseRings);
    }

    /// <summary>A copy of <paramref name="sample"/> in an array that is not zeroed first.</summary>
    private static byte[] Copy(ReadOnlySpan<byte> sample)
    {
        var copy = GC.AllocateUninitializedArray<byte>(sample.Length);
        sample.CopyTo(copy);
        return copy;
    }

    /// <summary>Finds the next record, visiting the rings in turn from the one after the last record.</summary>
    private bool TryPeek(out PerfEventRing ring, out ReadOnlySpan<byte> sample, out ulong lost)
    {
        ThrowIfDisposed();
        for (int i = 0; i < _rings.Length; i++)
        {
            ring = _rings[(_next + i) % _rings.Length];
            if (ring.TryPeek(_scratch, out sample, out lost))
            {
                _next = (_next + i + 1) % _rings.Length;
                return true;
            }
        }

        ring = null!;
        sample = default;
        lost = 0;
        return false;
    }

    /// <summary>Consumes the record of a lease, unless that is done already.</summary>
    internal void Release(object ring, ulong lost)
    {
        if (!_disposed && ReferenceEquals(_leased, ring))
        {
            _leased = null;
            Commit((PerfEventRing)ring, lost);
        }
    }

    private void Commit(PerfEventRing ring, ulong lost)
    {
        _leased = null;
        ring.Advance();
        LostSamples += lost;
    }

    private bool HasRecord()
    {
        ThrowIfDisposed();
        foreach (var ring in _rings)
        {
            if (ring.TryPeek(_scratch, out _, out _))
            {
                return true;
            }
        }

        return false;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void ReleaseRings()
    {
        foreach (var ring in _rings)
        {
            ring.Dispose();
        }
    }
}
