using Ebpf.Specs;

namespace Ebpf.Kernel;

/// <summary>The files <see cref="PermissionDiagnosis"/> reads; the defaults are the running system's (tests give their own).</summary>
internal sealed record PermissionSources
{
    /// <summary>The running system's files.</summary>
    public static PermissionSources System { get; } = new();

    /// <summary>The status file with the <c>CapEff</c> and <c>CapBnd</c> lines.</summary>
    public string StatusPath { get; init; } = ProcessCapabilities.DefaultStatusPath;

    /// <summary>The securityfs directory with <c>lockdown</c> and <c>lsm</c>; often not mounted, then the files are absent.</summary>
    public string SecurityDirectory { get; init; } = "/sys/kernel/security";

    /// <summary>The directory of the <c>kernel.*</c> sysctls (<c>unprivileged_bpf_disabled</c>, <c>cap_last_cap</c>).</summary>
    public string SysctlDirectory { get; init; } = "/proc/sys/kernel";

    /// <summary>The kernel command line (<c>lockdown=</c>, <c>lsm=</c>).</summary>
    public string CommandLinePath { get; init; } = "/proc/cmdline";

    /// <summary>The selinuxfs directory, whose <c>enforce</c> file says whether SELinux enforces its policy.</summary>
    public string SelinuxDirectory { get; init; } = "/sys/fs/selinux";

    /// <summary>The process's user namespace mapping (<c>0 0 4294967295</c> in the initial namespace).</summary>
    public string UidMapPath { get; init; } = "/proc/self/uid_map";

    /// <summary>The process's resource limits (the <c>Max locked memory</c> line: <c>RLIMIT_MEMLOCK</c>).</summary>
    public string LimitsPath { get; init; } = "/proc/self/limits";

    /// <summary>
    /// Whether the kernel charges BPF objects against <c>RLIMIT_MEMLOCK</c> (before Linux 5.11); null when unknown. The
    /// default probes the running kernel; tests give their own.
    /// </summary>
    public Func<bool?> ChargesMemlock { get; init; } = MemlockAccounting.Running.Charges;

    /// <summary>The kernel configuration; null for the running kernel's.</summary>
    public KernelConfig? Config { get; init; }

    /// <summary>
    /// Counts the BPF LSM programs loaded (whose policy can refuse BPF calls); null when they cannot be counted. The
    /// default asks the running kernel; tests give their own.
    /// </summary>
    public Func<int?> CountLsmPrograms { get; init; } = PermissionDiagnosis.CountLoadedLsmPrograms;
}
