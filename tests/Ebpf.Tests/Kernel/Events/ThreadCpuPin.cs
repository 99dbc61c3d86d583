using System.Runtime.InteropServices;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>Pins the calling thread to one CPU until disposed, so every BPF_PROG_TEST_RUN writes to the same perf ring.</summary>
internal sealed unsafe partial class ThreadCpuPin : IDisposable
{
    private readonly ulong _previous;

    public ThreadCpuPin(int cpu)
    {
        ulong mask;
        if (SchedGetAffinity(0, sizeof(ulong), &mask) != 0)
        {
            throw new InvalidOperationException($"sched_getaffinity failed: {Marshal.GetLastPInvokeError()}");
        }

        _previous = mask;
        ulong pinned = 1UL << cpu;
        if (SchedSetAffinity(0, sizeof(ulong), &pinned) != 0)
        {
            throw new InvalidOperationException($"sched_setaffinity failed: {Marshal.GetLastPInvokeError()}");
        }

        Cpu = cpu;
    }

    public int Cpu { get; }

    public void Dispose()
    {
        ulong mask = _previous;
        SchedSetAffinity(0, sizeof(ulong), &mask);
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint size, ulong* mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nint size, ulong* mask);
}
