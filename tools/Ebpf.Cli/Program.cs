using System.CommandLine;
using Ebpf.Cli.Btf;
using Ebpf.Cli.Disasm;
using Ebpf.Cli.Feature;
using Ebpf.Cli.Prog;

var root = new RootCommand("ebpf: inspect, disassemble and load eBPF objects.")
{
    DisasmCommand.Create(),
    BtfCommand.Create(),
    FeatureCommand.Create(),
    ProgCommand.Create(),
};
return root.Parse(args).Invoke();
