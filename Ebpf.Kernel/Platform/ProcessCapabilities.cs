using System.Globalization;

namespace Ebpf.Kernel;

/// <summary>
/// The calling process's capabilities, from the <c>CapEff</c> (effective) and <c>CapBnd</c> (bounding set) lines of
/// <c>/proc/self/status</c>.
/// </summary>
internal static class ProcessCapabilities
{
    /// <summary>Where the capabilities are read (tests give their own file).</summary>
    public const string DefaultStatusPath = "/proc/self/status";

    /// <summary><c>CAP_NET_ADMIN</c>.</summary>
    public const int NetAdmin = 12;

    /// <summary><c>CAP_SYS_ADMIN</c>.</summary>
    public const int SysAdmin = 21;

    /// <summary><c>CAP_SYS_RESOURCE</c>.</summary>
    public const int SysResource = 24;

    /// <summary><c>CAP_PERFMON</c> (Linux 5.8).</summary>
    public const int Perfmon = 38;

    /// <summary><c>CAP_BPF</c> (Linux 5.8).</summary>
    public const int Bpf = 39;

    /// <summary>The capability names by number, as <c>include/uapi/linux/capability.h</c> has them (0 to 40).</summary>
    private static readonly string[] Names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    /// <summary>The highest capability number this type can name.</summary>
    public static int LastKnown => Names.Length - 1;

    /// <summary>The effective capability mask; null when the file cannot be read or has no <c>CapEff</c> line.</summary>
    public static ulong? Effective(string? statusPath = null) => Read(statusPath, "CapEff:");

    /// <summary>The capability bounding set (what the process and its children can ever gain); null when unknown.</summary>
    public static ulong? Bounding(string? statusPath = null) => Read(statusPath, "CapBnd:");

    /// <summary>Whether <paramref name="mask"/> has capability <paramref name="capability"/>.</summary>
    public static bool Has(ulong mask, int capability) => (mask & (1UL << capability)) != 0;

    /// <summary>Whether <paramref name="mask"/> allows BPF objects: CAP_BPF or CAP_SYS_ADMIN.</summary>
    public static bool MayUseBpf(ulong mask) => Has(mask, SysAdmin) || Has(mask, Bpf);

    /// <summary>Whether <paramref name="mask"/> allows loading and attaching tracing programs: CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON.</summary>
    public static bool MayTrace(ulong mask) => Has(mask, SysAdmin) || (Has(mask, Bpf) && Has(mask, Perfmon));

    /// <summary>The name of capability <paramref name="capability"/>, e.g. <c>CAP_SYS_RESOURCE</c>.</summary>
    public static string Name(int capability) =>
        capability >= 0 && capability < Names.Length ? $"CAP_{Names[capability]}" : $"capability {capability}";

    private static ulong? Read(string? statusPath, string prefix)
    {
        try
        {
            foreach (string line in File.ReadLines(statusPath ?? DefaultStatusPath))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan(prefix.Length).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong mask))
                {
                    return mask;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }
}
