using System.Globalization;
using Ebpf.Reliability;

namespace Ebpf.Reliability;

/// <summary>The reliability runs' entry point.</summary>
internal static class ReliabilityEntryPoint
{
    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        // ebpf-reliability cycles [--count N] | failed-load [--count N] | privilege
        // Each command prints figures and a last summary line; exit code 1 when something leaked or failed.
        if (args.Length == 0)
        {
            return Usage();
        }

        int count = args[0] == "cycles" ? 10_000 : 100;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--count" && i + 1 < args.Length)
            {
                count = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                return Usage();
            }
        }

        switch (args[0])
        {
            case "cycles":
            {
                var result = CycleRun.Run(count, (i, c) => Console.WriteLine($"  {i}: fds {c.Fds}, progs {c.Programs}, maps {c.Maps}, links {c.Links}"));
                Console.WriteLine($"{result.Elapsed.TotalSeconds:F1} s, {result.Elapsed.TotalMilliseconds * 1000 / Math.Max(1, count):F0} µs per cycle (load + attach + dispose)");
                Console.WriteLine(result);
                return result.IsFlat ? 0 : 1;
            }

            case "failed-load":
            {
                var result = FailedLoadRun.Run(count);
                Console.WriteLine($"error: {result.FirstError}");
                Console.WriteLine(result);
                return result.LeftNothing ? 0 : 1;
            }

            case "privilege":
            {
                var result = PrivilegeRun.Run();
                Console.WriteLine($"$ {result.Command}");
                Console.WriteLine(result.Output);
                Console.WriteLine(result);
                return result.Passed ? 0 : 1;
            }

            case "privilege-child":
                return UnprivilegedChecks.Run(Console.Out);

            default:
                return Usage();
        }

        static int Usage()
        {
            Console.Error.WriteLine("usage: ebpf-reliability cycles [--count 10000] | failed-load [--count 100] | privilege");
            return 2;
        }
    }
}
