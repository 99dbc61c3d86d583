using BenchmarkDotNet.Running;
using Ebpf.Benchmarks.Kernel;

namespace Ebpf.Benchmarks;

/// <summary>The benchmarks' entry point: BenchmarkDotNet, or the paired loops the comparison scripts run.</summary>
internal static class BenchmarkEntryPoint
{
    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "--ops-loop")
        {
            return MapOpsLoop.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        if (args.Length == 3 && args[0] == "--paired")
        {
            return PairedMapComparison.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        if (args.Length == 9 && args[0] == "--events")
        {
            return EventsLoss.Run(args[1..]);
        }

        if (args.Length == 3 && args[0] == "--paired-load")
        {
            return PairedLoadComparison.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        if (args.Length >= 2 && args[0] == "--load")
        {
            int count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
            for (int i = 0; i < count; i++)
            {
                double total = PairedLoadComparison.LoadOurs(args[1], out double spec);
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{total:F2} ms (spec {spec:F2} ms)"));
            }

            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntryPoint).Assembly).Run(args);
        return 0;
    }
}
