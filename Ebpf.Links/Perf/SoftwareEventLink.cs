using System.Globalization;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// Attaches perf_event programs to a software perf event (<c>PERF_TYPE_SOFTWARE</c>, e.g. cpu-clock) on every online
/// CPU, for sampling profilers: one <see cref="PerfEventLink"/> per CPU.
/// </summary>
public static class SoftwareEventLink
{
    /// <summary><c>PERF_TYPE_SOFTWARE</c>.</summary>
    private const uint PerfTypeSoftware = 1;

    /// <summary><c>PERF_COUNT_SW_CPU_CLOCK</c>.</summary>
    public const ulong CpuClock = 0;

    /// <summary>The <c>freq</c> bit of <see cref="PerfEventAttr.Flags"/>.</summary>
    private const ulong FlagFrequency = 1 << 10;

    /// <summary>Opens software event <paramref name="config"/> on each online CPU and attaches <paramref name="program"/> to each.</summary>
    /// <param name="program">A perf_event program.</param>
    /// <param name="config">The <c>PERF_COUNT_SW_*</c> event; <see cref="CpuClock"/> by default.</param>
    /// <param name="frequency">Samples per second (sets <c>freq</c>).</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <returns>One link per CPU; dispose them all to detach.</returns>
    public static IReadOnlyList<PerfEventLink> AttachAllCpus(BpfFileDescriptor program, ulong config = CpuClock, ulong frequency = 100,
        IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfZero(frequency);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        var links = new List<PerfEventLink>();
        try
        {
            foreach (int cpu in OnlineCpus())
            {
                var attr = new PerfEventAttr { Type = PerfTypeSoftware, Config = config, SampleFreq = frequency, Flags = FlagFrequency };
                var perfEvent = sys.PerfEventOpen(attr, -1, cpu, -1, PerfEventLink.FlagFdCloExec);
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

        return links;
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
