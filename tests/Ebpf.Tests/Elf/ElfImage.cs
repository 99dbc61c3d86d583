using System.Buffers.Binary;
using Ebpf.Elf;

namespace Ebpf.Tests.Elf;

/// <summary>Writes ELF64 header fields into a byte array in a given byte order, to build corrupt or unusual images.</summary>
public static class ElfImage
{
    public const int EShoff = 40, EShentsize = 58, EShnum = 60, EShstrndx = 62, EPhoff = 32, EPhentsize = 54, EPhnum = 56;
    public const int ShName = 0, ShType = 4, ShFlags = 8, ShAddr = 16, ShOffset = 24, ShSize = 32, ShLink = 40, ShInfo = 44, ShAddralign = 48, ShEntsize = 56;

    public static ElfByteOrder OrderOf(byte[] image) => (ElfByteOrder)image[5];

    public static void Write(byte[] image, int offset, int size, ulong value)
    {
        var order = OrderOf(image);
        var span = image.AsSpan(offset, size);
        switch (size)
        {
            case 1: span[0] = (byte)value; break;
            case 2: if (order == ElfByteOrder.LittleEndian) BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value); else BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)value); break;
            case 4: if (order == ElfByteOrder.LittleEndian) BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value); else BinaryPrimitives.WriteUInt32BigEndian(span, (uint)value); break;
            case 8: if (order == ElfByteOrder.LittleEndian) BinaryPrimitives.WriteUInt64LittleEndian(span, value); else BinaryPrimitives.WriteUInt64BigEndian(span, value); break;
            default: throw new ArgumentOutOfRangeException(nameof(size));
        }
    }

    public static ulong Read(byte[] image, int offset, int size)
    {
        var order = OrderOf(image);
        var span = image.AsSpan(offset, size);
        var le = order == ElfByteOrder.LittleEndian;
        return size switch
        {
            1 => span[0],
            2 => le ? BinaryPrimitives.ReadUInt16LittleEndian(span) : BinaryPrimitives.ReadUInt16BigEndian(span),
            4 => le ? BinaryPrimitives.ReadUInt32LittleEndian(span) : BinaryPrimitives.ReadUInt32BigEndian(span),
            8 => le ? BinaryPrimitives.ReadUInt64LittleEndian(span) : BinaryPrimitives.ReadUInt64BigEndian(span),
            _ => throw new ArgumentOutOfRangeException(nameof(size)),
        };
    }

    /// <summary>File offset of section header <paramref name="index"/>.</summary>
    public static int SectionHeader(byte[] image, int index) =>
        (int)Read(image, EShoff, 8) + (index * (int)Read(image, EShentsize, 2));

    /// <summary>
    /// Reads every part of a parsed file: all sections and names, both symbol tables with names, every relocation
    /// and its symbol, program headers, and name lookups. Returns a count so the work cannot be optimized away.
    /// </summary>
    public static long Walk(ElfFile elf)
    {
        long n = elf.Sections.Count + elf.ProgramHeaders.Count + (long)elf.Entry + elf.SectionNameTableIndex;
        foreach (var section in elf.Sections)
        {
            n += section.Name.Length + section.NameUtf8.Length + section.Data.Length + (long)section.Size + section.Link + section.Info;
            if (section.Type is ElfSectionType.SymTab or ElfSectionType.DynSym)
            {
                n += WalkSymbols(elf.GetSymbolTable(section));
            }

            if (section.Type is ElfSectionType.Rel or ElfSectionType.Rela)
            {
                n += elf.GetRelocationTable(section).Count;
            }

            if (section.Type == ElfSectionType.StrTab)
            {
                try
                {
                    n += elf.GetStringTable((uint)section.Index).GetString(0).Length;
                }
                catch (ElfFormatException)
                {
                    n++;
                }
            }
        }

        n += WalkSymbols(elf.Symbols) + WalkSymbols(elf.DynamicSymbols);
        foreach (var table in elf.RelocationTables)
        {
            n += table.TargetSection?.Name.Length ?? 0;
            foreach (var relocation in table)
            {
                var symbol = table.GetSymbol(relocation);
                n += (long)relocation.Offset + relocation.Type + relocation.Addend + symbol.Name.Length;
                if (symbol.IsInSection)
                {
                    n += elf.Sections[(int)symbol.SectionIndex].Name.Length;
                }
            }
        }

        foreach (var header in elf.ProgramHeaders)
        {
            n += header.Data.Length + (long)header.MemorySize;
            n += elf.TryGetFileOffset(header.VirtualAddress, out var offset) ? (long)offset : 0;
        }

        n += elf.FindSection(".text")?.Index ?? 0;
        n += elf.FindSection("maps"u8)?.Index ?? 0;
        n += elf.Symbols.TryFind("main", out var main) ? main.Index : 0;
        n += elf.ToString().Length;
        return n;
    }

    private static long WalkSymbols(ElfSymbolTable table)
    {
        long n = table.Count;
        foreach (var symbol in table)
        {
            n += symbol.Name.Length + (long)symbol.Value + (long)symbol.Size + (int)symbol.Binding + (int)symbol.Type + (int)symbol.Visibility + symbol.SectionIndex;
            n += symbol.ToString().Length;
        }

        return n;
    }
}
