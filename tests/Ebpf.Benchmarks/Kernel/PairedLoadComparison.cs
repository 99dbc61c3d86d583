using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Benchmarks.Kernel;

/// <summary>
/// Compares a warm in-process load of a whole object (<see cref="CollectionSpec.Load(string)"/> +
/// <see cref="Collection.Load"/> + dispose, verifier included) with libbpf's <c>bpf_object__open_file</c> +
/// <c>__load</c> + <c>__close</c> (native/object_load.c built as a library) in paired rounds: each round loads once
/// with each (alternating which goes first), so both sides run under the same machine load, and the ratio is taken
/// per round. The first rounds warm up (JIT, kernel BTF cache) and are not counted.
/// Usage: <c>Ebpf.Benchmarks --paired-load FILE ROUNDS</c> with <c>EBPF_OBJECT_LOAD_LIBRARY</c> naming the library.
/// </summary>
public static unsafe class PairedLoadComparison
{
    /// <summary>The environment variable holding the library's path.</summary>
    public const string LibraryVariable = "EBPF_OBJECT_LOAD_LIBRARY";

    private const int WarmupRounds = 3;

    /// <summary>Runs the rounds and prints the medians and the median ratio; returns the process exit code.</summary>
    public static int Run(string path, int rounds)
    {
        string? library = Environment.GetEnvironmentVariable(LibraryVariable);
        if (library is null || !File.Exists(library) || rounds < 1)
        {
            Console.Error.WriteLine($"usage: --paired-load FILE ROUNDS with {LibraryVariable} naming native/object_load.c built " +
                "with `gcc -O2 -shared -fPIC -DOBJECT_LOAD_LIBRARY -o libobjectload.so object_load.c -lbpf`");
            return 2;
        }

        var loadOnce = (delegate* unmanaged<byte*, double>)NativeLibrary.GetExport(NativeLibrary.Load(library), "object_load_once");
        byte[] nativePath = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        double LoadLibbpf()
        {
            fixed (byte* p = nativePath)
            {
                double ms = loadOnce(p);
                return ms >= 0 ? ms : throw new InvalidOperationException($"libbpf could not load {path}: {ms}");
            }
        }

        var ours = new List<double>();
        var libbpf = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < WarmupRounds + rounds; round++)
        {
            double o, l;
            if ((round & 1) == 0)
            {
                o = LoadOurs(path);
                l = LoadLibbpf();
            }
            else
            {
                l = LoadLibbpf();
                o = LoadOurs(path);
            }

            if (round >= WarmupRounds)
            {
                ours.Add(o);
                libbpf.Add(l);
                ratios.Add(o / l);
            }
        }

        ours.Sort();
        libbpf.Sort();
        ratios.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm {Median(ours):F2} {Median(libbpf):F2} {Median(ratios):F3} {ratios[ratios.Count / 4]:F3} {ratios[ratios.Count * 3 / 4]:F3} " +
            $"{GC.GetTotalAllocatedBytes() / 1048576.0:F1} {Environment.WorkingSet / 1048576.0:F1}"));
        return 0;
    }

    /// <summary>Loads the object once (spec, collection, dispose) and returns the milliseconds it took.</summary>
    public static double LoadOurs(string path) => LoadOurs(path, out _);

    /// <summary>Loads the object once (spec, collection, dispose) and returns the milliseconds it took, and in
    /// <paramref name="specMilliseconds"/> those of <see cref="CollectionSpec.Load(string)"/>.</summary>
    public static double LoadOurs(string path, out double specMilliseconds)
    {
        long start = Stopwatch.GetTimestamp();
        var spec = CollectionSpec.Load(path);
        specMilliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        using (Collection.Load(spec))
        {
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> sorted) => sorted[sorted.Count / 2];
}
