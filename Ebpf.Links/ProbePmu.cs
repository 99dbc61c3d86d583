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
        int bit = 0;
        string format = Path.Combine(dir, "format", "retprobe");
        if (File.Exists(format))
        {
            // "config:0"
            string text = File.ReadAllText(format).Trim();
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out bit) || bit > 63)
            {
                bit = 0;
            }
        }

        return new ProbePmu(name, type, bit);
    }
}
