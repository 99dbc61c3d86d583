using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

/// <content><c>.struct_ops</c> and <c>.struct_ops.link</c> sections.</content>
internal static partial class MapDefinitionReader
{
    /// <summary>The section whose struct_ops maps attach through a BPF link.</summary>
    private const string StructOpsLinkSection = ".struct_ops.link";

    /// <summary>One <see cref="BpfMapType.StructOps"/> map per variable of a <c>.struct_ops</c> or <c>.struct_ops.link</c> section.</summary>
    /// <remarks>
    /// Each map has a 4-byte key, one entry and the variable's struct as its value; its <see cref="StructOpsSpec"/>
    /// holds the variable's bytes with the function pointer slots zeroed and, from the section's relocations, the
    /// program each function pointer member names. Maps of <c>.struct_ops.link</c> carry <see cref="BpfMapFlags.Link"/>.
    /// </remarks>
    internal static IReadOnlyList<MapSpec> ReadStructOps(ElfFile elf, ElfSection section, BtfSpec btf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(btf);

        bool isLink = section.Name == StructOpsLinkSection;
        var dataSec = FindDataSec(btf, section);
        var symbols = SymbolsIn(elf, section);
        var data = section.HasData ? section.Data : ReadOnlyMemory<byte>.Empty;
        var table = RelocationsFor(elf, section);
        var maps = new List<MapSpec>(dataSec.Variables.Count);
        foreach (var info in dataSec.Variables)
        {
            if (!btf.TryGetTypeById(info.TypeId, out var type) || type is not BtfVar variable)
            {
                throw new MapDefinitionException($"section '{section.Name}': DATASEC entry {info.TypeId} is not a VAR");
            }

            string name = variable.Name;
            if (Resolve(btf, variable.TypeId, name, "struct_ops") is not BtfStruct structType)
            {
                throw new MapDefinitionException($"struct_ops map '{name}': its type is not a struct");
            }

            if (structType.Name.Length == 0)
            {
                throw new MapDefinitionException($"struct_ops map '{name}': its struct is anonymous; it must name the kernel struct it implements");
            }

            var (offset, size) = LocateVariable(section, dataSec, info, name, symbols);
            if (size < structType.Size)
            {
                throw new MapDefinitionException($"struct_ops map '{name}': {size} bytes in the section, but struct {structType.Name} is {structType.Size}");
            }

            var value = new byte[structType.Size];
            if (!data.IsEmpty)
            {
                data.Span.Slice((int)offset, (int)structType.Size).CopyTo(value);
            }

            foreach (var member in structType.Members)
            {
                if (IsFunctionPointer(btf, member, name) && member.BitOffset % 8 == 0 && member.BitOffset / 8 + PointerSize <= value.Length)
                {
                    value.AsSpan((int)(member.BitOffset / 8), PointerSize).Clear();
                }
            }

            var programs = table is null
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : StructOpsPrograms(elf, section, table, btf, structType, name, offset, size);
            maps.Add(new MapSpec
            {
                Name = name,
                Type = BpfMapType.StructOps,
                KeySize = 4,
                ValueSize = structType.Size,
                MaxEntries = 1,
                Flags = isLink ? BpfMapFlags.Link : BpfMapFlags.None,
                SectionName = section.Name,
                Btf = btf,
                Value = structType,
                StructOps = new StructOpsSpec(structType.Name, value, programs, isLink),
            });
        }

        return maps;
    }

    /// <summary>Program names by member name, from the relocations inside one struct_ops variable.</summary>
    private static Dictionary<string, string> StructOpsPrograms(
        ElfFile elf, ElfSection section, ElfRelocationTable table, BtfSpec btf, BtfStruct structType, string name, ulong offset, ulong size)
    {
        var programs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var relocation in table)
        {
            if (relocation.Offset < offset || relocation.Offset - offset >= size)
            {
                continue;
            }

            ulong bitOffset = (relocation.Offset - offset) * 8;
            BtfMember? found = null;
            foreach (var member in structType.Members)
            {
                if (member.BitOffset == bitOffset)
                {
                    found = member;
                    break;
                }
            }

            if (found is not { } slot || !IsFunctionPointer(btf, slot, name))
            {
                throw new MapDefinitionException($"struct_ops map '{name}': relocation at offset {relocation.Offset - offset} is not on a function pointer member of {structType.Name}");
            }

            string context = $"struct_ops map '{name}' member '{slot.Name}'";
            var target = ResolveTarget(elf, table, relocation, section, context);
            if (target.Type != ElfSymbolType.Function)
            {
                throw new MapDefinitionException($"{context}: '{target.Name}' is not a program");
            }

            programs[slot.Name] = target.Name;
        }

        return programs;
    }

    /// <summary>Whether a member is a pointer to a function prototype.</summary>
    private static bool IsFunctionPointer(BtfSpec btf, BtfMember member, string name) =>
        Resolve(btf, member.TypeId, name, member.Name) is BtfPointer pointer
        && pointer.TypeId != 0
        && Resolve(btf, pointer.TypeId, name, member.Name) is BtfFuncProto;
}
