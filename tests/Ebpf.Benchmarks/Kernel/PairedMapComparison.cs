using System.Diagnostics;
using System.Globalization;

namespace Ebpf.Benchmarks.Kernel;

/// <summary>
/// Compares <see cref="MapBenchmarks.Lookup"/> or <see cref="MapBenchmarks.Update"/> with the same C loop
/// (native/map_ops.c as a library) in paired rounds: each round times <see cref="MapBenchmarks.NativeOps"/> of ours
/// and as many of C's back to back (alternating which goes first), and the ratio of the two is taken per round. Load
/// from other processes changes over milliseconds, not within a round, so the median of the per-round ratios
/// compares both under the same load where separate runs cannot.
/// Usage: <c>Ebpf.Benchmarks --paired lookup|update ROUNDS</c> with <c>EBPF_MAP_OPS_LIBRARY</c> set.
/// </summary>
public static class PairedMapComparison
{
    /// <summary>Runs the rounds and prints the median ratio with its quartiles; returns the process exit code.</summary>
    public static int Run(string operation, int rounds)
    {
        if (operation is not ("lookup" or "update") || rounds < 1)
        {
            Console.Error.WriteLine("usage: --paired lookup|update ROUNDS");
            return 2;
        }

        MapOpsNative.EnsureAvailable();
        var bench = new MapBenchmarks();
        bench.Setup();
        try
        {
            bool lookup = operation == "lookup";
            ulong sink = 0;
            for (int warm = 0; warm < 3; warm++)
            {
                // Enough calls for tier-1 code, and time for the background compiler to install it.
                sink += TimeOurs(bench, lookup, ref sink) > 0 ? 0UL : 1UL;
                sink += TimeC(bench, lookup, ref sink) > 0 ? 0UL : 1UL;
                Thread.Sleep(300);
            }

            var ratios = new double[rounds];
            var ours = new double[rounds];
            var c = new double[rounds];
            for (int round = 0; round < rounds; round++)
            {
                long oursTicks, cTicks;
                if ((round & 1) == 0)
                {
                    oursTicks = TimeOurs(bench, lookup, ref sink);
                    cTicks = TimeC(bench, lookup, ref sink);
                }
                else
                {
                    cTicks = TimeC(bench, lookup, ref sink);
                    oursTicks = TimeOurs(bench, lookup, ref sink);
                }

                ratios[round] = (double)oursTicks / cTicks;
                ours[round] = Nanoseconds(oursTicks);
                c[round] = Nanoseconds(cTicks);
            }

            Array.Sort(ratios);
            Array.Sort(ours);
            Array.Sort(c);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"map {operation}, paired rounds: ours/C ratio median {Quantile(ratios, 0.5):F3} (quartiles {Quantile(ratios, 0.25):F3}-{Quantile(ratios, 0.75):F3}), " +
                $"ours {Quantile(ours, 0.5):F1} ns, C {Quantile(c, 0.5):F1} ns per op (medians), fastest rounds ours {ours[0]:F1} ns, C {c[0]:F1} ns " +
                $"(ratio {ours[0] / c[0]:F3}), {rounds} rounds of {MapBenchmarks.NativeOps} ops"));
            GC.KeepAlive(sink);
            return 0;
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static long TimeOurs(MapBenchmarks bench, bool lookup, ref ulong sink)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < MapBenchmarks.NativeOps; i++)
        {
            if (lookup)
            {
                sink += bench.Lookup();
            }
            else
            {
                bench.Update();
            }
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long TimeC(MapBenchmarks bench, bool lookup, ref ulong sink)
    {
        long start = Stopwatch.GetTimestamp();
        sink += lookup ? bench.NativeLookup() : bench.NativeUpdate();
        return Stopwatch.GetTimestamp() - start;
    }

    private static double Nanoseconds(long ticks) => ticks * 1e9 / Stopwatch.Frequency / MapBenchmarks.NativeOps;

    private static double Quantile(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
}
