namespace Ebpf.Tests;

/// <summary>Locates the BPF objects the build compiled from tests/bpf/*.bpf.c.</summary>
public static class TestPrograms
{
    /// <summary>Directory holding X.bpfel.o and X.bpfeb.o for every test program.</summary>
    public static string Directory { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "bpf");

    /// <summary>Every compiled test object the reader accepts, both byte orders (not <see cref="IsInvalid"/> ones).</summary>
    public static IReadOnlyList<string> All { get; } =
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*.o").Where(f => !IsInvalid(f)).OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// Whether an object is wrong on purpose: X_invalid.bpf.c sources are what libbpf refuses to open (e.g. two arena
    /// maps), so the reader must refuse them too; they are left out of <see cref="All"/>.
    /// </summary>
    public static bool IsInvalid(string path) => System.IO.Path.GetFileName(path).Contains("_invalid.", StringComparison.Ordinal);

    /// <summary>
    /// Whether an object is for reading only: X_noload.bpf.c sources use what not every kernel loads (typed ksyms,
    /// programs loaded on request), so tests that load every object skip them.
    /// </summary>
    public static bool IsNoLoad(string path) => System.IO.Path.GetFileName(path).Contains("_noload.", StringComparison.Ordinal);

    /// <summary>
    /// Objects linked by libbpf's static linker (`bpftool gen object`, build/Ebpf.Bpf.targets BpfLinkedProgram): built
    /// little-endian only (libbpf before 1.5 links only host-order objects), without DWARF (the linker drops it), and
    /// keeping the .BTF.ext records of the weak functions that strong ones replaced.
    /// </summary>
    public static IReadOnlySet<string> StaticallyLinked { get; } = new HashSet<string> { "linked", "linked_statics", "linked_buffer" };

    /// <summary>Whether the object was linked by libbpf's static linker (<see cref="StaticallyLinked"/>).</summary>
    public static bool IsStaticallyLinked(string path) => StaticallyLinked.Contains(System.IO.Path.GetFileName(path).Split('.')[0]);

    /// <summary>Objects the build strips of DWARF (<c>Strip="true"</c> in Ebpf.Tests.csproj, as BpfStrip does by default).</summary>
    public static IReadOnlySet<string> Stripped { get; } = new HashSet<string> { "typed", "core" };

    /// <summary>
    /// Whether the object keeps its DWARF: compiled from tests/bpf (the examples' objects, copied here, are stripped by
    /// the default BpfStrip), neither linked (<see cref="StaticallyLinked"/>) nor <see cref="Stripped"/>.
    /// </summary>
    public static bool HasDwarf(string path) =>
        IsFromTestSources(path) && !IsStaticallyLinked(path) && !Stripped.Contains(System.IO.Path.GetFileName(path).Split('.')[0]);

    /// <summary>Whether the object was compiled from a source in tests/bpf (not copied from an example project).</summary>
    public static bool IsFromTestSources(string path) =>
        File.Exists(System.IO.Path.Combine(RepoRoot, "tests", "bpf", System.IO.Path.GetFileName(path).Split('.')[0] + ".bpf.c"));

    /// <summary>
    /// Objects whose code differs between the byte orders on purpose: libbpf's usdt.bpf.h shifts a dereferenced
    /// argument only on big-endian targets, so clang emits other instructions (and labels) for bpfeb. Every object
    /// that includes usdt.bpf.h: tests/bpf/usdt.bpf.c and examples/PythonCalls/pycalls.bpf.c.
    /// </summary>
    public static IReadOnlySet<string> ByteOrderDependent { get; } = new HashSet<string> { "usdt", "pycalls" };

    /// <summary>Whether both byte orders of the object should have the same code (not <see cref="ByteOrderDependent"/>, not <see cref="IsStaticallyLinked"/>).</summary>
    public static bool HasSameCodeInBothByteOrders(string path) =>
        !IsStaticallyLinked(path) && !ByteOrderDependent.Contains(System.IO.Path.GetFileName(path).Split('.')[0]);

    /// <summary>Objects that `bpftool prog loadall` (libbpf 1.x) cannot load here, and why.</summary>
    public static IReadOnlyDictionary<string, string> NotLoadableByBpftool { get; } = new Dictionary<string, string>
    {
        ["maps_btf"] = "pins maps by name under /sys/fs/bpf, which is not a bpffs on a fresh machine",
        ["reliability"] = "pins a map by name under /sys/fs/bpf, which is not a bpffs on a fresh machine",
        ["maps_iproute2"] = "iproute2 map definitions: libbpf 1.x refuses legacy maps",
        ["maps_legacy"] = "bpf_map_def maps: libbpf 1.x refuses legacy maps",
        ["maps_static"] = "a static program: libbpf 1.x refuses it",
        ["struct_ops_link"] = "libbpf 1.1 does not know .struct_ops.link",
        ["reno"] = "examples/TcpCongestion: libbpf 1.1 does not know .struct_ops.link",
        ["freplace"] = "new_verdict is not autoloaded (it needs xdp_verdict loaded as its target), and libbpf 1.1's loadall fails to pin a program it did not load",
        ["verifier_fail"] = "tc_unchecked is wrong on purpose: the verifier rejects it",
        ["attach_sections"] = "not_autoloaded is a `?` section, and libbpf 1.1's loadall fails to pin a program it did not load",
        ["attach_sections_probes"] = "fentry, fexit and lsm programs, refused where trampolines are (lockdown) and absent before BTF trampolines; SectionAttachProbeKernelTests loads each program alone and skips with the kernel's reason",
    };

    /// <summary>Objects libbpf 1.1's <c>bpf_object__open</c> refuses (legacy and static maps and programs), by name.</summary>
    public static IReadOnlySet<string> NotOpenableByLibbpf { get; } = new HashSet<string> { "maps_legacy", "maps_iproute2", "maps_static", "legacy_maps_noload", "arena_noload" };

    /// <summary>Whether libbpf 1.1 can open the object.</summary>
    public static bool IsOpenableByLibbpf(string path) => !NotOpenableByLibbpf.Contains(System.IO.Path.GetFileName(path).Split('.')[0]);

    /// <summary>Whether `bpftool prog loadall` can load the object: not <c>_noload</c>, not in <see cref="NotLoadableByBpftool"/>.</summary>
    public static bool IsLoadableByBpftool(string path) =>
        !IsNoLoad(path) && !NotLoadableByBpftool.ContainsKey(System.IO.Path.GetFileName(path).Split('.')[0]);

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
