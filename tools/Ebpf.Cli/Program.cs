using System.CommandLine;

var root = new RootCommand("ebpf: inspect, disassemble and load eBPF objects.");
return root.Parse(args).Invoke();
