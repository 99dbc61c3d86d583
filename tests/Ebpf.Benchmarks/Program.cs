using BenchmarkDotNet.Running;
using Ebpf.Benchmarks.Kernel;

if (args.Length == 3 && args[0] == "--ops-loop")
{
    return MapOpsLoop.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
}

if (args.Length == 3 && args[0] == "--paired")
{
    return PairedMapComparison.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
