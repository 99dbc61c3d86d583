namespace Ebpf.Tests;

/// <summary>Locates the BPF objects the build compiled from tests/bpf/*.bpf.c.</summary>
public static class TestPrograms
{
    /// <summary>Directory holding X.bpfel.o and X.bpfeb.o for every test program.</summary>
    public static string Directory { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "bpf");

    /// <summary>Every compiled test object, both byte orders.</summary>
    public static IReadOnlyList<string> All { get; } =
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*.o").OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// Test objects that <c>bpftool prog loadall</c> (libbpf 1.1) cannot load, by name, with the reason. Tests that
    /// load every object through bpftool skip these; the managed reader covers them.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NotLoadableByBpftool { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["maps_btf"] = "pins a map by name under /sys/fs/bpf, which is not a bpffs here",
        ["maps_legacy"] = "legacy 'maps' definitions are gone since libbpf 1.0",
        ["maps_iproute2"] = "legacy 'maps' definitions are gone since libbpf 1.0",
        ["maps_static"] = "libbpf 1.1 refuses static maps and programs",
        ["struct_ops_link"] = "libbpf 1.1 does not know .struct_ops.link",
    };

    /// <summary>Path of one compiled object, e.g. <c>Path("packet", bigEndian: false)</c>.</summary>
    public static string Path(string name, bool bigEndian = false) =>
        System.IO.Path.Combine(Directory, $"{name}.bpf{(bigEndian ? "eb" : "el")}.o");

    /// <summary>The repository root (where Ebpf.sln is).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Ebpf.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ebpf.sln not found above " + AppContext.BaseDirectory);
    }
}
