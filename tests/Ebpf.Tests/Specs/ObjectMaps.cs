using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Tests.Specs;

/// <summary>Runs <see cref="MapDefinitionReader"/> over every map section of an object, as the ELF reader does.</summary>
public static class ObjectMaps
{
    /// <summary>The maps of <c>.maps</c> and <c>maps</c>/<c>maps/*</c> in section order, then of <c>.struct_ops</c> and <c>.struct_ops.link</c> (libbpf's order).</summary>
    public static IReadOnlyList<MapSpec> Read(string path) => Read(File.ReadAllBytes(path));

    /// <summary>The maps of an object image (see <see cref="Read(string)"/>).</summary>
    public static IReadOnlyList<MapSpec> Read(byte[] image)
    {
        var elf = ElfFile.Parse(image);
        BtfSpec? btf = elf.FindSection(BtfSpec.ElfSectionName) is null ? null : BtfSpec.FromElf(elf);
        var maps = new List<MapSpec>();
        foreach (var section in elf.Sections)
        {
            string name = section.Name;
            if (name == ".maps")
            {
                maps.AddRange(MapDefinitionReader.ReadBtfMaps(elf, section, btf!));
            }
            else if (name == "maps" || name.StartsWith("maps/", StringComparison.Ordinal))
            {
                maps.AddRange(MapDefinitionReader.ReadLegacyMaps(elf, section, btf));
            }
        }

        foreach (var section in elf.Sections.Where(s => s.Name is ".struct_ops" or ".struct_ops.link"))
        {
            maps.AddRange(MapDefinitionReader.ReadStructOps(elf, section, btf!)); // after the others, as libbpf
        }

        return maps;
    }

    /// <summary>The maps of tests/bpf/NAME.bpf.c by name; ignores the test when the object was not built.</summary>
    public static Dictionary<string, MapSpec> ByName(string name, bool bigEndian)
    {
        string path = TestPrograms.Path(name, bigEndian);
        if (!File.Exists(path))
        {
            Assert.Ignore($"{path} was not built");
        }

        return Read(path).ToDictionary(m => m.Name, StringComparer.Ordinal);
    }
}
