using System.Diagnostics;
using System.Globalization;

namespace Ebpf.Tests.Asm;

/// <summary>Runs root-only tools for the kernel reference tests: bpftool, mount, and /proc/kallsyms.</summary>
internal static class KernelTools
{
    /// <summary>Why the kernel tests cannot run here, or null when they can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the kernel reference tests need Linux";
        }

        if (Environment.UserName != "root")
        {
            return "the kernel reference tests need root (bpftool prog loadall)";
        }

        if (FindOnPath("bpftool") == null)
        {
            return "bpftool is not installed";
        }

        return null;
    }

    public static string? FindOnPath(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            string candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs a tool and returns its standard output; throws with its error output when it fails.</summary>
    public static string Run(string tool, params string[] arguments) => ExternalTool.Run(tool, arguments);

    /// <summary>Every symbol of /proc/kallsyms by address (several symbols can share one address).</summary>
    public static Dictionary<ulong, List<string>> ReadKallsyms()
    {
        var symbols = new Dictionary<ulong, List<string>>();
        foreach (string line in File.ReadLines("/proc/kallsyms"))
        {
            string[] parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || !ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address) || address == 0)
            {
                continue;
            }

            string name = parts[2].Split('\t')[0];
            if (!symbols.TryGetValue(address, out List<string>? names))
            {
                symbols[address] = names = [];
            }

            names.Add(name);
        }

        return symbols;
    }
}
