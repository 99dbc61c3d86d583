using Ebpf.Kernel;

namespace Ebpf.Tests;

/// <summary>
/// The one way tests get a bpffs: a private bpffs mounted on a fresh temporary directory, so pins made under
/// <see cref="Path"/> are seen by no other test and the machine's <c>/sys/fs/bpf</c> (not mounted on a fresh machine)
/// is never needed. Disposing unmounts it, which drops every pin in it, and removes the directory.
/// </summary>
/// <remarks>
/// When the mount is refused, the test is skipped only when the kernel has no bpffs (<c>/proc/filesystems</c>) or the
/// permission diagnosis finds a restriction of this machine (no CAP_SYS_ADMIN, a user namespace, an LSM); any other
/// failure fails the test.
/// </remarks>
public sealed class BpffsDirectory : IDisposable
{
    // A new bpffs already holds the kernel's preloaded iterators (maps.debug, progs.debug).
    private readonly HashSet<string> _preloaded;
    private bool _disposed;

    private BpffsDirectory(string path)
    {
        Path = path;
        _preloaded = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a new bpffs on a new temporary directory.</summary>
    public static BpffsDirectory Mount()
    {
        string path = Directory.CreateTempSubdirectory("ebpf-bpffs-").FullName;
        var (exitCode, _, error) = ExternalTool.Execute("mount", "-t", "bpf", "bpf", path);
        if (exitCode == 0)
        {
            return new BpffsDirectory(path);
        }

        Directory.Delete(path);
        string refusal = $"mount -t bpf bpf {path} exited {exitCode}: {string.Join(' ', error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}";
        if (!KernelHasBpffs())
        {
            Assert.Ignore($"bpffs: not in /proc/filesystems ({refusal})");
        }

        var finding = PermissionDiagnosis.Read().ExplainMount();
        if (finding.ExplainedByEnvironment)
        {
            Assert.Ignore($"bpffs: {refusal}; {finding.Text}");
        }

        throw new InvalidOperationException($"{refusal}; {finding.Text}");
    }

    /// <summary>The pins (files) under the mount point, relative to it, without the kernel's preloaded ones.</summary>
    public IReadOnlyList<string> Pins() =>
        Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).Where(p => !_preloaded.Contains(p))
            .Select(p => System.IO.Path.GetRelativePath(Path, p)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Unmounts the bpffs, dropping every pin in it, and removes the directory.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ExternalTool.Run("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static bool KernelHasBpffs() =>
        File.ReadLines("/proc/filesystems").Any(line => line.Split('\t', StringSplitOptions.TrimEntries).LastOrDefault() == "bpf");
}
