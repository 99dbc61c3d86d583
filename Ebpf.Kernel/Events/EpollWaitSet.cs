using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The waiting part of the event readers: an epoll instance over their descriptors plus an eventfd that a
/// <see cref="CancellationToken"/> signals, so cancelling wakes a blocked <see cref="Wait"/>. One waiter at a time.
/// <see cref="Close"/> (the owner's Dispose) wakes a blocked wait too, and defers freeing the owner's resources
/// until that wait has returned.
/// </summary>
internal sealed class EpollWaitSet : IDisposable
{
    private const ulong WakeTag = ulong.MaxValue;

    private readonly IBpfSyscalls sys;
    private readonly BpfFileDescriptor epoll;
    private readonly BpfFileDescriptor wake;
    private readonly EpollEvent[] events;
    private Action? releaseOwner;
    private int waiting;
    private int closed;
    private int released;

    public EpollWaitSet(IBpfSyscalls sys, int capacity)
    {
        this.sys = sys;
        events = new EpollEvent[Math.Max(capacity, 1) + 1];
        epoll = sys.System().EpollCreate();
        try
        {
            wake = sys.System().EventFdCreate();
            sys.System().EpollCtl(epoll, EpollOperation.Add, wake, EpollEvents.In, WakeTag);
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

    public void Add(BpfFileDescriptor fd, EpollEvents interest, ulong tag) => sys.System().EpollCtl(epoll, EpollOperation.Add, fd, interest, tag);

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> (-1 forever) for a descriptor to be ready; returns how many are
    /// (0 on timeout or spurious wake-up), listed in <see cref="Ready"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, before or during the wait.</exception>
    /// <exception cref="ObjectDisposedException">The set was closed, before or during the wait.</exception>
    public int Wait(int timeoutMilliseconds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CancellationTokenRegistration registration = default;
        Interlocked.Increment(ref waiting);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref closed) != 0, this);
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.UnsafeRegister(static state => ((EpollWaitSet)state!).Wake(), this);
            }

            int count = sys.System().EpollWait(epoll, events, timeoutMilliseconds);
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
                sys.System().EventFdRead(wake);
            }

            ReadyCount = kept;
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(Volatile.Read(ref closed) != 0, this);
            return kept;
        }
        finally
        {
            registration.Dispose();
            if (Interlocked.Decrement(ref waiting) == 0 && Volatile.Read(ref closed) != 0)
            {
                ReleaseOnce();
            }
        }
    }

    /// <summary>Wakes a blocked <see cref="Wait"/>.</summary>
    public void Wake()
    {
        if (Volatile.Read(ref released) == 0)
        {
            sys.System().EventFdWrite(wake, 1);
        }
    }

    /// <summary>
    /// Closes the set for its owner's Dispose: wakes a blocked <see cref="Wait"/> (which then throws
    /// <see cref="ObjectDisposedException"/>) and runs <paramref name="releaseOwner"/> (unmapping) once no wait is in
    /// progress, on this thread or on the waiting one.
    /// </summary>
    public void Close(Action releaseOwner)
    {
        this.releaseOwner = releaseOwner;
        if (Interlocked.Exchange(ref closed, 1) != 0)
        {
            return;
        }

        Wake();
        if (Volatile.Read(ref waiting) == 0)
        {
            ReleaseOnce();
        }
    }

    /// <summary>Closes the descriptors at once (for a constructor that failed).</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref closed, 1);
        ReleaseOnce();
    }

    private void ReleaseOnce()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            releaseOwner?.Invoke();
            wake.Dispose();
            epoll.Dispose();
        }
    }
}
