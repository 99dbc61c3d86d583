using System.Globalization;

namespace Ebpf.Kernel;

/// <summary>The calling process's effective capabilities, from the <c>CapEff</c> line of <c>/proc/self/status</c>.</summary>
internal static class ProcessCapabilities
{
    /// <summary>Where the capabilities are read (tests give their own file).</summary>
    public const string DefaultStatusPath = "/proc/self/status";

    /// <summary><c>CAP_NET_ADMIN</c>.</summary>
    public const int NetAdmin = 12;

    /// <summary><c>CAP_SYS_ADMIN</c>.</summary>
    public const int SysAdmin = 21;

    /// <summary><c>CAP_PERFMON</c> (Linux 5.8).</summary>
    public const int Perfmon = 38;

    /// <summary><c>CAP_BPF</c> (Linux 5.8).</summary>
    public const int Bpf = 39;

    /// <summary>The effective capability mask; null when the file cannot be read or has no <c>CapEff</c> line.</summary>
    public static ulong? Effective(string? statusPath = null)
    {
        try
        {
            foreach (string line in File.ReadLines(statusPath ?? DefaultStatusPath))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan("CapEff:".Length).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong mask))
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

    /// <summary>Whether <paramref name="mask"/> has capability <paramref name="capability"/>.</summary>
    public static bool Has(ulong mask, int capability) => (mask & (1UL << capability)) != 0;

    /// <summary>Whether <paramref name="mask"/> allows loading and attaching tracing programs: CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON.</summary>
    public static bool MayTrace(ulong mask) => Has(mask, SysAdmin) || (Has(mask, Bpf) && Has(mask, Perfmon));
}
