using System.Reflection;
using System.Runtime.InteropServices;

namespace Ebpf.Benchmarks.Kernel;

/// <summary>
/// The C loops of native/map_ops.c built as a library (<c>-DMAP_OPS_LIBRARY</c>), called from
/// <see cref="MapBenchmarks"/> so the C side is measured in the same process and under the same load as ours.
/// <c>map-vs-c.sh</c> builds it and names it in <c>EBPF_MAP_OPS_LIBRARY</c>.
/// </summary>
internal static partial class MapOpsNative
{
    /// <summary>The environment variable holding the library's path.</summary>
    public const string LibraryVariable = "EBPF_MAP_OPS_LIBRARY";

    private const string Library = "mapops";

    static MapOpsNative() => NativeLibrary.SetDllImportResolver(typeof(MapOpsNative).Assembly, Resolve);

    /// <summary>Fails with what to do when the library was not built.</summary>
    public static void EnsureAvailable()
    {
        string? path = Environment.GetEnvironmentVariable(LibraryVariable);
        if (path is null || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{LibraryVariable} does not name the C loop library: run tests/Ebpf.Benchmarks/map-vs-c.sh, or build it with " +
                "`gcc -O2 -shared -fPIC -DMAP_OPS_LIBRARY -o libmapops.so native/map_ops.c` and set the variable");
        }
    }

    /// <summary><paramref name="count"/> lookups of the keys 0..9999 in turn, each a raw <c>syscall(__NR_bpf)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "map_ops_lookup")]
    public static partial ulong Lookup(int fd, int count);

    /// <summary><paramref name="count"/> updates of the keys 0..9999 in turn, each a raw <c>syscall(__NR_bpf)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "map_ops_update")]
    public static partial ulong Update(int fd, int count);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Library && Environment.GetEnvironmentVariable(LibraryVariable) is { } path ? NativeLibrary.Load(path) : IntPtr.Zero;
}
