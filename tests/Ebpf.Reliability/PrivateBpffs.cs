using System.Diagnostics;

namespace Ebpf.Reliability;

/// <summary>A bpffs mounted on a new temporary directory (needs root); disposing unmounts and removes it.</summary>
public sealed class PrivateBpffs : IDisposable
{
    private readonly HashSet<string> _preloaded;

    /// <summary>Mounts a new bpffs with <c>mount -t bpf</c>.</summary>
    /// <exception cref="InvalidOperationException">mount failed.</exception>
    public PrivateBpffs()
    {
        Path = Directory.CreateTempSubdirectory("ebpf-reliability-").FullName;
        Execute("mount", "-t", "bpf", "bpf", Path);
        _preloaded = Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>The pins under the mount point, relative to it, without the kernel's preloaded iterators.</summary>
    public IReadOnlyList<string> Pins() =>
        Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).Where(p => !_preloaded.Contains(p))
            .Select(p => System.IO.Path.GetRelativePath(Path, p)).Order(StringComparer.Ordinal).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        Execute("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static void Execute(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()}");
        }
    }
}
