using Ebpf.Kernel;
using Ebpf.Links;
using Ebpf.Specs;

namespace Ebpf.Benchmarks.Startup;

/// <summary>
/// Loads an object, attaches one of its programs to a tracepoint and prints <c>attached</c>: what a tool does from
/// its start to its first event, timed by startup-vs-libbpf.sh from exec to that line.
/// Usage: <c>Ebpf.Benchmarks.Startup FILE PROGRAM CATEGORY NAME</c>.
/// </summary>
internal static class AttachFirst
{
    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: Ebpf.Benchmarks.Startup FILE PROGRAM CATEGORY NAME");
            return 2;
        }

        using var collection = Collection.Load(CollectionSpec.Load(args[0]));
        using var link = collection.Programs[args[1]].AttachTracepoint(args[2], args[3]);
        Console.Out.WriteLine("attached");
        Console.Out.Flush();
        return 0;
    }
}
