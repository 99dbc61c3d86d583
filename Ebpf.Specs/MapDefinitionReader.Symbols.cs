using System.Buffers.Binary;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

/// <content>Symbols and relocations of a map section: where each variable lives and what a pointer slot points at.</content>
internal static partial class MapDefinitionReader
{
    /// <summary>R_BPF_64_64: what clang before LLVM 12 also used for data pointers.</summary>
    private const uint RelocationBpf64 = 1;

    /// <summary>R_BPF_64_ABS64: a 64-bit absolute address in data.</summary>
    private const uint RelocationBpfAbs64 = 2;

    /// <summary>Size of a pointer slot in a BPF object.</summary>
    private const int PointerSize = 8;

    /// <summary>The DATASEC describing <paramref name="section"/>.</summary>
    private static BtfDataSec FindDataSec(BtfSpec btf, ElfSection section)
    {
        foreach (var type in btf.FindTypes(section.Name, BtfKind.DataSec))
        {
            return (BtfDataSec)type;
        }

        throw new MapDefinitionException($"section '{section.Name}' has no BTF DATASEC describing it");
    }

    /// <summary>The named, non-section symbols defined in <paramref name="section"/>, by name.</summary>
    private static Dictionary<string, ElfSymbol> SymbolsIn(ElfFile elf, ElfSection section)
    {
        var result = new Dictionary<string, ElfSymbol>(StringComparer.Ordinal);
        foreach (var symbol in elf.Symbols)
        {
            if (symbol.SectionIndex == (uint)section.Index && symbol.Type != ElfSymbolType.Section && symbol.NameOffset != 0)
            {
                result.TryAdd(symbol.Name, symbol);
            }
        }

        return result;
    }

    /// <summary>
    /// Where variable <paramref name="name"/> of a DATASEC lives in the section: from its ELF symbol (clang leaves
    /// DATASEC offsets 0 until libbpf or a linker fixes them up), else from the DATASEC when it has been fixed up.
    /// </summary>
    private static (ulong Offset, ulong Size) LocateVariable(ElfSection section, BtfDataSec dataSec, BtfVarSecInfo info, string name, Dictionary<string, ElfSymbol> symbols)
    {
        ulong offset, size;
        if (symbols.TryGetValue(name, out var symbol))
        {
            offset = symbol.Value;
            size = info.Size != 0 ? info.Size : symbol.Size;
        }
        else if (dataSec.Size != 0)
        {
            offset = info.Offset;
            size = info.Size;
        }
        else
        {
            throw new MapDefinitionException($"'{name}' in section '{section.Name}' has no ELF symbol and the DATASEC has no offsets");
        }

        if (offset > section.Size || size > section.Size - offset)
        {
            throw new MapDefinitionException($"'{name}' at {offset}+{size} lies outside section '{section.Name}' ({section.Size} bytes)");
        }

        return (offset, size);
    }

    /// <summary>The relocation table applying to <paramref name="section"/>, or null.</summary>
    private static ElfRelocationTable? RelocationsFor(ElfFile elf, ElfSection section)
    {
        foreach (var table in elf.RelocationTables)
        {
            if (table.TargetSection is { } target && target.Index == section.Index)
            {
                return table;
            }
        }

        return null;
    }

    /// <summary>
    /// The symbol a pointer relocation refers to. A relocation against a section symbol (static functions and
    /// variables) is resolved to the named symbol at the addend (explicit, or stored in the slot for REL).
    /// </summary>
    private static ElfSymbol ResolveTarget(ElfFile elf, ElfRelocationTable table, in ElfRelocation relocation, ElfSection section, string context)
    {
        if (relocation.Type is not (RelocationBpfAbs64 or RelocationBpf64))
        {
            throw new MapDefinitionException($"{context}: unsupported relocation type {relocation.Type} at offset {relocation.Offset} of '{section.Name}'");
        }

        var symbol = table.GetSymbol(relocation);
        if (symbol.Type != ElfSymbolType.Section)
        {
            if (symbol.NameOffset == 0)
            {
                throw new MapDefinitionException($"{context}: relocation at offset {relocation.Offset} of '{section.Name}' refers to an unnamed symbol");
            }

            return symbol;
        }

        ulong target = table.HasAddends ? (ulong)relocation.Addend : ReadSlot(elf, section, relocation.Offset);
        foreach (var candidate in elf.Symbols)
        {
            if (candidate.SectionIndex == symbol.SectionIndex && candidate.Value == target && candidate.NameOffset != 0
                && candidate.Type is ElfSymbolType.Function or ElfSymbolType.Object)
            {
                return candidate;
            }
        }

        throw new MapDefinitionException($"{context}: relocation at offset {relocation.Offset} of '{section.Name}' points at offset {target} of section {symbol.SectionIndex}, where no symbol is defined");
    }

    /// <summary>The implicit addend of a REL relocation: the 64-bit value in the slot.</summary>
    private static ulong ReadSlot(ElfFile elf, ElfSection section, ulong offset)
    {
        var data = section.HasData ? section.Data.Span : default;
        if (offset > (ulong)data.Length || (ulong)data.Length - offset < PointerSize)
        {
            return 0;
        }

        var slot = data.Slice((int)offset, PointerSize);
        return elf.ByteOrder == ElfByteOrder.BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(slot) : BinaryPrimitives.ReadUInt64LittleEndian(slot);
    }

    /// <summary><paramref name="value"/> as an unsigned integer of <paramref name="size"/> bytes in the object's byte order.</summary>
    private static byte[] EncodeKey(ElfFile elf, uint value, uint size, string context)
    {
        if (size is not (4 or 8))
        {
            throw new MapDefinitionException($"{context}: initial values need a 4- or 8-byte key, not {size} bytes");
        }

        var key = new byte[size];
        bool big = elf.ByteOrder == ElfByteOrder.BigEndian;
        switch (size)
        {
            case 4:
                if (big)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(key, value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(key, value);
                }

                break;
            case 8:
                if (big)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(key, value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(key, value);
                }

                break;
            default:
                throw new MapDefinitionException($"{context}: initial values need a 4- or 8-byte key, not {size} bytes");
        }

        return key;
    }

    /// <summary>Reads a <c>u32</c> of a legacy definition.</summary>
    private static uint ReadU32(ElfFile elf, ReadOnlySpan<byte> data, int offset) =>
        elf.ByteOrder == ElfByteOrder.BigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset, 4))
            : BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset, 4));
}
