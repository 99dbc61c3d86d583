using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>Converts the kernel's boot-relative timestamps (<c>CLOCK_BOOTTIME</c>) to wall-clock time, as bpftool does.</summary>
internal static unsafe partial class BootClock
{
    private const int ClockRealtime = 0;
    private const int ClockBoottime = 7;

    /// <summary>The wall-clock time of a moment given as nanoseconds since boot.</summary>
    public static DateTimeOffset ToWallClock(ulong nanosecondsSinceBoot)
    {
        long now = Now(ClockRealtime);
        long sinceBoot = Now(ClockBoottime);
        long bootNs = now - sinceBoot;
        long at = bootNs + (long)nanosecondsSinceBoot;
        return DateTimeOffset.UnixEpoch.AddTicks(at / 100);
    }

    private static long Now(int clock)
    {
        TimeSpec ts;
        return ClockGetTime(clock, &ts) == 0 ? (ts.Seconds * 1_000_000_000) + ts.Nanoseconds : 0;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, TimeSpec* time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
