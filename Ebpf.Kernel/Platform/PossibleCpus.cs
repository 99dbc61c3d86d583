namespace Ebpf.Kernel;

/// <summary>
/// The number of possible CPUs, as <c>/sys/devices/system/cpu/possible</c> lists them: per-CPU maps hold one value
/// slot for each (the highest listed CPU number plus one).
/// </summary>
public static class PossibleCpus
{
    /// <summary>The sysfs file that lists the possible CPUs.</summary>
    public const string Path = "/sys/devices/system/cpu/possible";

    private static readonly Lazy<int> CountValue = new(() => Parse(File.ReadAllText(Path)));

    /// <summary>The number of possible CPUs of this machine, read once.</summary>
    /// <exception cref="IOException">The sysfs file cannot be read.</exception>
    /// <exception cref="FormatException">The file is not a CPU list.</exception>
    public static int Count => CountValue.Value;

    /// <summary>Parses a CPU list such as <c>0-3</c> or <c>0,2-5\n</c> and returns the highest CPU number plus one.</summary>
    /// <exception cref="FormatException"><paramref name="list"/> is not a CPU list.</exception>
    public static int Parse(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        int[] cpus = CpuList.Parse(list);
        return cpus.Length > 0 ? cpus[^1] + 1 : throw new FormatException($"'{list.Trim()}' is not a CPU list such as 0-3 or 0,2-5");
    }
}
