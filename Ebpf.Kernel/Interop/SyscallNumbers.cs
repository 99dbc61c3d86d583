using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>System call numbers of the running architecture.</summary>
internal static class SyscallNumbers
{
    /// <summary><c>__NR_bpf</c>, -1 on an architecture without one (a field: tier-1 code reads it as a constant).</summary>
    public static readonly long Bpf = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 280,
        Architecture.X86 => 357,
        Architecture.Arm => 386,
        Architecture.Ppc64le => 361,
        Architecture.S390x => 351,
        _ => -1,
    };

    /// <summary><c>__NR_perf_event_open</c>.</summary>
    public static long PerfEventOpen { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 241,
        Architecture.X86 => 336,
        Architecture.Arm => 364,
        Architecture.Ppc64le => 319,
        Architecture.S390x => 331,
        _ => -1,
    };
}
