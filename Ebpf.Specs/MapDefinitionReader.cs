using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

/// <summary>
/// Reads map definitions from an object's map sections: BTF-defined maps (<c>.maps</c>), legacy
/// <c>bpf_map_def</c> maps (<c>maps</c>, incl. iproute2's extended layout) and <c>struct_ops</c> maps.
/// The ELF reader (<see cref="CollectionSpec.Load(string)"/>) calls these; global data maps are built by the reader itself.
/// </summary>
internal static class MapDefinitionReader
{
    /// <summary>One <see cref="MapSpec"/> per variable of the <c>.maps</c> DATASEC, with inner map templates and
    /// <c>values</c> contents (prog array / map-in-map entries whose <see cref="MapEntry.ValueReference"/> names a program or map).</summary>
    internal static IReadOnlyList<MapSpec> ReadBtfMaps(ElfFile elf, ElfSection section, BtfSpec btf) => [];

    /// <summary>One <see cref="MapSpec"/> per symbol of a legacy <c>maps</c> section.</summary>
    internal static IReadOnlyList<MapSpec> ReadLegacyMaps(ElfFile elf, ElfSection section, BtfSpec? btf) => [];

    /// <summary>One <see cref="BpfMapType.StructOps"/> map per variable of a <c>.struct_ops</c> or <c>.struct_ops.link</c> section.</summary>
    internal static IReadOnlyList<MapSpec> ReadStructOps(ElfFile elf, ElfSection section, BtfSpec btf) => [];
}
