using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Benchmarks.Kernel;

/// <summary>
/// Runs one map operation of <see cref="MapBenchmarks"/> a given number of times outside BenchmarkDotNet (after a
/// warm-up that lets tier-1 code in), so an instruction counter can compare runs of N and 2N operations: the
/// difference divided by N is the user-space instructions of one operation, repeatable on a noisy machine
/// (<c>perf stat -e instructions:u</c> where the machine has counters). Under <c>valgrind --tool=callgrind</c> the
/// JIT falls back to minimal optimisation for these methods, so count the C side there and read the managed side
/// from <c>DOTNET_JitDisasm="TryLookup"</c>.
/// Usage: <c>Ebpf.Benchmarks --ops-loop lookup|update|iterate|batch N</c>.
/// </summary>
public static class MapOpsLoop
{
    /// <summary>Runs the loop; returns the process exit code.</summary>
    public static int Run(string operation, int count)
    {
        var bench = new MapBenchmarks();
        bench.Setup();

        // Warm up: enough calls for tier-1 code, and time for the background compiler to install it.
        ulong sink = 0;
        for (int round = 0; round < 3; round++)
        {
            if (Loop(bench, operation, operation is "lookup" or "update" ? 200 : 2, ref sink) != 0)
            {
                return 2;
            }

            Thread.Sleep(300);
        }

        int result = Loop(bench, operation, count, ref sink);
        bench.Cleanup();
        Console.WriteLine(sink);
        return result;
    }

    private static int Loop(MapBenchmarks bench, string operation, int count, ref ulong sink)
    {
        switch (operation)
        {
            case "lookup":
                for (int i = 0; i < count; i++)
                {
                    sink += bench.Lookup();
                }

                break;
            case "update":
                for (int i = 0; i < count; i++)
                {
                    bench.Update();
                }

                break;
            case "iterate":
                for (int i = 0; i < count; i++)
                {
                    sink += bench.PerKeyIterationAll();
                }

                break;
            case "batch":
                for (int i = 0; i < count; i++)
                {
                    sink += (ulong)bench.BatchLookupAll();
                }

                break;
            default:
                Console.Error.WriteLine($"unknown operation {operation}");
                return 2;
        }

        return 0;
    }
}
