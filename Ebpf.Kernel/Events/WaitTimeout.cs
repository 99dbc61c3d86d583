namespace Ebpf.Kernel;

/// <summary>Deadline arithmetic for the readers' waits, in epoll's milliseconds (-1 = forever).</summary>
internal readonly struct WaitTimeout
{
    private readonly long _deadline;

    private WaitTimeout(long deadline) => this._deadline = deadline;

    /// <summary>Starts a deadline <paramref name="timeout"/> from now; <see cref="Timeout.InfiniteTimeSpan"/> never expires.</summary>
    public static WaitTimeout Start(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return new WaitTimeout(-1);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        long ms = (long)Math.Ceiling(timeout.TotalMilliseconds);
        return new WaitTimeout(Environment.TickCount64 + ms);
    }

    /// <summary>Milliseconds left for epoll_wait: -1 forever, 0 when expired.</summary>
    public int Remaining => _deadline < 0 ? -1 : (int)Math.Clamp(_deadline - Environment.TickCount64, 0, int.MaxValue);
}
