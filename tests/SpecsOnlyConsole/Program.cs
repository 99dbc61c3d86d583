using Ebpf.Specs;

// Prints the programs of the BPF object given as argument, one "name section type" line each, sorted by name.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: SpecsOnlyConsole <object.o>");
    return 2;
}

var spec = CollectionSpec.Load(args[0]);
foreach (var program in spec.Programs.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
{
    Console.WriteLine($"{program.Name} {program.SectionName} {program.Type}");
}

return 0;
