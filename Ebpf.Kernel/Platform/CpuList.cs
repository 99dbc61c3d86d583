using System.Globalization;

namespace Ebpf.Kernel;

/// <summary>The CPU lists of sysfs (<c>/sys/devices/system/cpu/online</c>, <c>possible</c>): ranges such as <c>0-3,5,7-8</c>.</summary>
internal static class CpuList
{
    /// <summary>The online CPUs, ascending.</summary>
    public static int[] Online() => Parse(File.ReadAllText("/sys/devices/system/cpu/online"));

    /// <summary>The possible CPUs, ascending.</summary>
    public static int[] Possible() => Parse(File.ReadAllText("/sys/devices/system/cpu/possible"));

    /// <summary>Parses a list of CPU numbers and ranges.</summary>
    /// <exception cref="FormatException">The text is not a CPU list.</exception>
    public static int[] Parse(string text)
    {
        var cpus = new List<int>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            int first = int.Parse(dash < 0 ? part : part[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
            int last = dash < 0 ? first : int.Parse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            if (last < first)
            {
                throw new FormatException($"bad CPU range '{part}'");
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        cpus.Sort();
        return [.. cpus.Distinct()];
    }
}
