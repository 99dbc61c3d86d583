using System.CommandLine;
using Ebpf.Cli.Btf;
using Ebpf.Cli.Disasm;
using Ebpf.Cli.Feature;
using Ebpf.Cli.Inspect;

var root = new RootCommand("ebpf: inspect, disassemble and load eBPF objects.")
{
    DisasmCommand.Create(),
    BtfCommand.Create(),
    FeatureCommand.Create(),
    InspectCommand.Create(),
};
return root.Parse(args).Invoke();
