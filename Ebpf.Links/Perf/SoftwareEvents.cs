using System.Globalization;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// Attaches perf_event programs to a software perf event (<c>PERF_TYPE_SOFTWARE</c>, e.g. cpu-clock) on every online
/// CPU, for sampling profilers: one <see cref="PerfEventLink"/> per CPU, held by a <see cref="SoftwareEventLink"/>.
/// </summary>
internal static class SoftwareEvents
{
    /// <summary><c>PERF_TYPE_SOFTWARE</c>.</summary>
    private const uint PerfTypeSoftware = 1;

    /// <summary>The <c>freq</c> bit of <see cref="PerfEventAttr.Flags"/>.</summary>
    private const ulong FlagFrequency = 1 << 10;

    /// <summary>Opens <paramref name="softwareEvent"/> on each online CPU, sampled <paramref name="frequency"/> times a second, and attaches <paramref name="program"/> to each.</summary>
    public static SoftwareEventLink AttachAllCpus(BpfFileDescriptor program, SoftwareEvent softwareEvent, ulong frequency, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfZero(frequency);
        var links = new List<PerfEventLink>();
        try
        {
            foreach (int cpu in OnlineCpus())
            {
                var attr = new PerfEventAttr { Type = PerfTypeSoftware, Config = (ulong)softwareEvent, SampleFreq = frequency, Flags = FlagFrequency };
                var perfEvent = sys.System().PerfEventOpen(attr, -1, cpu, -1, PerfEventLink.FlagFdCloExec);
                links.Add(PerfEventLink.Attach(perfEvent, program, 0, sys));
            }
        }
        catch
        {
            foreach (var link in links)
            {
                link.Dispose();
            }

            throw;
        }

        return new SoftwareEventLink(links, softwareEvent, sys);
    }

    /// <summary>The online CPUs (<c>/sys/devices/system/cpu/online</c>, e.g. <c>0-3,6</c>).</summary>
    internal static IEnumerable<int> OnlineCpus()
    {
        string text = File.ReadAllText("/sys/devices/system/cpu/online").Trim();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            int first = int.Parse(dash < 0 ? part : part[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
            int last = dash < 0 ? first : int.Parse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            for (int cpu = first; cpu <= last; cpu++)
            {
                yield return cpu;
            }
        }
    }
}
