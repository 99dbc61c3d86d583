using System.CommandLine;
using Ebpf.Cli.Btf;
using Ebpf.Cli.Disasm;
using Ebpf.Cli.Feature;
using Ebpf.Cli.Gen;
using Ebpf.Cli.Inspect;
using Ebpf.Cli.Load;
using Ebpf.Cli.Maps;
using Ebpf.Cli.Net;
using Ebpf.Cli.Prog;
using Ebpf.Cli.Usdt;

namespace Ebpf.Cli;

/// <summary>The <c>ebpf</c> command's entry point.</summary>
internal static class CliEntryPoint
{
    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("ebpf: inspect, disassemble and load eBPF objects.")
        {
            DisasmCommand.Create(),
            BtfCommand.Create(),
            FeatureCommand.Create(),
            GenCommand.Create(),
            InspectCommand.Create(),
            LoadCommand.Create(),
            MapCommand.Create(),
            NetCommand.Create(),
            ProgCommand.Create(),
            UsdtCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
