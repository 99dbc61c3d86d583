using System.CommandLine;
using Ebpf.Cli.Btf;
using Ebpf.Cli.Disasm;

var root = new RootCommand("ebpf: inspect, disassemble and load eBPF objects.")
{
    DisasmCommand.Create(),
    BtfCommand.Create(),
};
return root.Parse(args).Invoke();
