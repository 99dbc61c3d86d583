namespace Ebpf.Kernel;

/// <summary>
/// The waiting part of the event readers: an epoll instance over their descriptors plus an eventfd that a
/// <see cref="CancellationToken"/> signals, so cancelling wakes a blocked <see cref="Wait"/>. One waiter at a time.
/// </summary>
internal sealed class EpollWaitSet : IDisposable
{
    private const ulong WakeTag = ulong.MaxValue;

    private readonly IBpfSyscalls sys;
    private readonly BpfFileDescriptor epoll;
    private readonly BpfFileDescriptor wake;
    private readonly EpollEvent[] events;

    public EpollWaitSet(IBpfSyscalls sys, int capacity)
    {
        this.sys = sys;
        events = new EpollEvent[Math.Max(capacity, 1) + 1];
        epoll = sys.EpollCreate();
        try
        {
            wake = sys.EventFdCreate();
            sys.EpollCtl(epoll, EpollOperation.Add, wake, EpollEvents.In, WakeTag);
        }
        catch
        {
            wake?.Dispose();
            epoll.Dispose();
            throw;
        }
    }

    /// <summary>The events of the last <see cref="Wait"/>, without the wake-up event.</summary>
    public ReadOnlySpan<EpollEvent> Ready => events.AsSpan(0, ReadyCount);

    private int ReadyCount { get; set; }

    public void Add(BpfFileDescriptor fd, EpollEvents interest, ulong tag) => sys.EpollCtl(epoll, EpollOperation.Add, fd, interest, tag);

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> (-1 forever) for a descriptor to be ready; returns how many are
    /// (0 on timeout or spurious wake-up), listed in <see cref="Ready"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, before or during the wait.</exception>
    public int Wait(int timeoutMilliseconds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CancellationTokenRegistration registration = default;
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(static state => ((EpollWaitSet)state!).Wake(), this);
        }

        try
        {
            int count = sys.EpollWait(epoll, events, timeoutMilliseconds);
            int kept = 0;
            bool woken = false;
            for (int i = 0; i < count; i++)
            {
                if (events[i].Data == WakeTag)
                {
                    woken = true;
                }
                else
                {
                    events[kept++] = events[i];
                }
            }

            if (woken)
            {
                sys.EventFdRead(wake);
            }

            ReadyCount = kept;
            cancellationToken.ThrowIfCancellationRequested();
            return kept;
        }
        finally
        {
            registration.Dispose();
        }
    }

    /// <summary>Wakes a blocked <see cref="Wait"/>.</summary>
    public void Wake()
    {
        if (!wake.IsClosed)
        {
            sys.EventFdWrite(wake, 1);
        }
    }

    public void Dispose()
    {
        wake.Dispose();
        epoll.Dispose();
    }
}
