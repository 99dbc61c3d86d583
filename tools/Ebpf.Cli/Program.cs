using System.CommandLine;
using Ebpf.Cli.Btf;
using Ebpf.Cli.Disasm;
using Ebpf.Cli.Feature;

var root = new RootCommand("ebpf: inspect, disassemble and load eBPF objects.")
{
    DisasmCommand.Create(),
    BtfCommand.Create(),
    FeatureCommand.Create(),
};
return root.Parse(args).Invoke();
