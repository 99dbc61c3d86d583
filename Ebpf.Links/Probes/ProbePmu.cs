using System.Globalization;

namespace Ebpf.Links;

/// <summary>
/// A dynamic perf event PMU for probes (<c>/sys/bus/event_source/devices/{kprobe,uprobe}</c>, Linux 4.17+): its
/// perf event type and the <c>config</c> bit that makes a return probe.
/// </summary>
/// <param name="Name">The PMU, <c>kprobe</c> or <c>uprobe</c>.</param>
/// <param name="Type">The perf event type to put in <c>perf_event_attr.type</c>.</param>
/// <param name="RetprobeBit">The bit of <c>config</c> that selects a return probe.</param>
internal sealed record ProbePmu(string Name, uint Type, int RetprobeBit)
{
    private const string Devices = "/sys/bus/event_source/devices";

    /// <summary>
    /// The first bit of the <c>config</c> field that holds a uprobe's reference counter offset (USDT semaphore), from
    /// <c>format/ref_ctr_offset</c> (<c>config:32-63</c>, Linux 4.20+); null when the PMU has none.
    /// </summary>
    public int? RefCtrOffsetShift { get; init; }

    /// <summary>Reads the PMU named <paramref name="name"/>, or null when the kernel has none.</summary>
    public static ProbePmu? TryRead(string name)
    {
        string dir = Path.Combine(Devices, name);
        string typeFile = Path.Combine(dir, "type");
        if (!File.Exists(typeFile))
        {
            return null;
        }

        uint type = uint.Parse(File.ReadAllText(typeFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        return new ProbePmu(name, type, FirstConfigBit(Path.Combine(dir, "format", "retprobe")) ?? 0)
        {
            RefCtrOffsetShift = FirstConfigBit(Path.Combine(dir, "format", "ref_ctr_offset")),
        };
    }

    /// <summary>The first bit a PMU format file names (<c>config:0</c>, <c>config:32-63</c>), or null when it is missing or unreadable.</summary>
    internal static int? ParseFirstConfigBit(string format)
    {
        string text = format.Trim();
        if (!text.StartsWith("config:", StringComparison.Ordinal))
        {
            return null;
        }

        var bits = text.AsSpan("config:".Length);
        int dash = bits.IndexOf('-');
        return int.TryParse(dash < 0 ? bits : bits[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int bit) && bit <= 63 ? bit : null;
    }

    private static int? FirstConfigBit(string formatFile) => File.Exists(formatFile) ? ParseFirstConfigBit(File.ReadAllText(formatFile)) : null;
}
