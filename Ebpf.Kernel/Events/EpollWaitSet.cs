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

    private readonly IBpfSyscalls _sys;
    private readonly BpfFileDescriptor _epoll;
    private readonly BpfFileDescriptor _wake;
    private readonly EpollEvent[] _events;
    private Action? _releaseOwner;
    private int _waiting;
    private int _closed;
    private int _released;

    public EpollWaitSet(IBpfSyscalls sys, int capacity)
    {
        this._sys = sys;
        _events = new EpollEvent[Math.Max(capacity, 1) + 1];
        _epoll = sys.System().EpollCreate();
        try
        {
            _wake = sys.System().EventFdCreate();
            sys.System().EpollCtl(_epoll, EpollOperation.Add, _wake, EpollEvents.In, WakeTag);
        }
        catch
        {
            _wake?.Dispose();
            _epoll.Dispose();
            throw;
        }
    }

    /// <summary>The events of the last <see cref="Wait"/>, without the wake-up event.</summary>
    public ReadOnlySpan<EpollEvent> Ready => _events.AsSpan(0, ReadyCount);

    private int ReadyCount { get; set; }

    public void Add(BpfFileDescriptor fd, EpollEvents interest, ulong tag) => _sys.System().EpollCtl(_epoll, EpollOperation.Add, fd, interest, tag);

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
        Interlocked.Increment(ref _waiting);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.UnsafeRegister(static state => ((EpollWaitSet)state!).Wake(), this);
            }

            int count = _sys.System().EpollWait(_epoll, _events, timeoutMilliseconds);
            int kept = 0;
            bool woken = false;
            for (int i = 0; i < count; i++)
            {
                if (_events[i].Data == WakeTag)
                {
                    woken = true;
                }
                else
                {
                    _events[kept++] = _events[i];
                }
            }

            if (woken)
            {
                _sys.System().EventFdRead(_wake);
            }

            ReadyCount = kept;
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
            return kept;
        }
        finally
        {
            registration.Dispose();
            if (Interlocked.Decrement(ref _waiting) == 0 && Volatile.Read(ref _closed) != 0)
            {
                ReleaseOnce();
            }
        }
    }

    /// <summary>Wakes a blocked <see cref="Wait"/>.</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _released) == 0)
        {
            _sys.System().EventFdWrite(_wake, 1);
        }
    }

    /// <summary>
    /// Closes the set for its owner's Dispose: wakes a blocked <see cref="Wait"/> (which then throws
    /// <see cref="ObjectDisposedException"/>) and runs <paramref name="releaseOwner"/> (unmapping) once no wait is in
    /// progress, on this thread or on the waiting one.
    /// </summary>
    public void Close(Action releaseOwner)
    {
        this._releaseOwner = releaseOwner;
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        Wake();
        if (Volatile.Read(ref _waiting) == 0)
        {
            ReleaseOnce();
        }
    }

    /// <summary>Closes the descriptors at once (for a constructor that failed).</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _closed, 1);
        ReleaseOnce();
    }

    private void ReleaseOnce()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _releaseOwner?.Invoke();
            _wake.Dispose();
            _epoll.Dispose();
        }
    }
}
