namespace Ebpf.Tests;

/// <summary>A private bpffs mounted on a temporary directory; disposing unmounts it, which drops every pin in it.</summary>
public sealed class TempBpffs : IDisposable
{
    /// <summary>Mounts a new bpffs.</summary>
    public TempBpffs()
    {
        Path = Directory.CreateTempSubdirectory("ebpf-bpffs-").FullName;
        ExternalTool.Run("mount", "-t", "bpf", "bpf", Path);
        _preloaded = Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);
    }

    // A new bpffs already holds the kernel's preloaded iterators (maps.debug, progs.debug).
    private readonly HashSet<string> _preloaded;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>The pins (files) under the mount point, relative to it, without the kernel's preloaded ones.</summary>
    public IReadOnlyList<string> Pins() =>
        Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).Where(p => !_preloaded.Contains(p)).Select(p => System.IO.Path.GetRelativePath(Path, p)).Order(StringComparer.Ordinal).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        ExternalTool.Execute("umount", Path);
        Directory.Delete(Path, recursive: true);
    }
}
