using System.Globalization;

namespace Ebpf.Links;

/// <summary>
/// Where a process mapped a file's executable pages (<c>/proc/PID/maps</c>), to turn a file offset into the address
/// the probe fires at in that process, as libbpf's <c>parse_vma_segs</c> and <c>find_vma_seg</c> do. Only needed on
/// kernels without BPF cookies, whose ip-to-spec-id map is keyed by the absolute address.
/// </summary>
internal static class UsdtProcessMappings
{
    /// <summary>The address in process <paramref name="pid"/> of file offset <paramref name="fileOffset"/> of <paramref name="binaryPath"/>.</summary>
    /// <exception cref="ArgumentException">The process does not map that part of the file executable.</exception>
    public static long AbsoluteAddress(int pid, string binaryPath, ulong fileOffset) =>
        AbsoluteAddress(File.ReadLines($"/proc/{pid}/maps"), ResolvedPath(binaryPath), fileOffset)
        ?? throw new ArgumentException($"process {pid} maps no executable segment of {binaryPath} at file offset 0x{fileOffset:x}", nameof(binaryPath));

    /// <summary>The address of <paramref name="fileOffset"/> in the executable mappings of <paramref name="path"/> among <paramref name="mapsLines"/>, or null.</summary>
    internal static long? AbsoluteAddress(IEnumerable<string> mapsLines, string path, ulong fileOffset)
    {
        foreach (string line in mapsLines)
        {
            // start-end perms offset dev inode [path]
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[5].Trim() != path || fields[1].Length < 3 || fields[1][2] != 'x')
            {
                continue;
            }

            int dash = fields[0].IndexOf('-', StringComparison.Ordinal);
            ulong start = ulong.Parse(fields[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            ulong end = ulong.Parse(fields[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            ulong offset = ulong.Parse(fields[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (fileOffset >= offset && fileOffset - offset < end - start)
            {
                return (long)(start - offset + fileOffset);
            }
        }

        return null;
    }

    /// <summary>The path as the kernel prints it in the maps file (symbolic links resolved).</summary>
    private static string ResolvedPath(string binaryPath)
    {
        string full = Path.GetFullPath(binaryPath);
        return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
    }
}
