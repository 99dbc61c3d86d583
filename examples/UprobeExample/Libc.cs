using System.Runtime.InteropServices;

namespace UprobeExample;

/// <summary>The C library: calls to probe, and where it is mapped in a process.</summary>
internal static partial class Libc
{
    /// <summary><c>getpid(2)</c>'s libc wrapper, called directly so that a uprobe on it fires.</summary>
    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int GetPid();

    /// <summary>The path of the C library mapped into process <paramref name="pid"/>, from <c>/proc/PID/maps</c>.</summary>
    public static string? FindPath(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
        {
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            string path = line[slash..];
            string name = Path.GetFileName(path);
            if (name.StartsWith("libc.so", StringComparison.Ordinal) || name.StartsWith("libc-", StringComparison.Ordinal))
            {
                return path;
            }
        }

        return null;
    }
}
