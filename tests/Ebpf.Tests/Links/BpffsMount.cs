namespace Ebpf.Tests.Links;

/// <summary>A bpffs mounted privately in a temporary directory for a test; unmounted on dispose.</summary>
internal sealed class BpffsMount : IDisposable
{
    private BpffsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts one, or marks the test inconclusive when that is impossible here.</summary>
    public static BpffsMount Create()
    {
        string dir = Directory.CreateTempSubdirectory("ebpf-links-bpffs-").FullName;
        if (ExternalTool.Execute("mount", "-t", "bpf", "bpf", dir).ExitCode != 0)
        {
            Directory.Delete(dir);
            Assert.Inconclusive("cannot mount a bpffs here");
        }

        return new BpffsMount(dir);
    }

    public void Dispose()
    {
        ExternalTool.Execute("umount", Path);
        Directory.Delete(Path, recursive: true);
    }
}
