namespace Ebpf.Elf;

/// <summary>Reads and validates an ELF64 image into an <see cref="ElfFile"/>.</summary>
internal static class ElfParser
{
    private const ushort ProgramHeaderExtendedCount = 0xffff; // PN_XNUM

    public static ElfFile Parse(ReadOnlyMemory<byte> image, IDisposable? owner)
    {
        var span = image.Span;
        var length = span.Length;

        // Identification.
        if (length < 16)
        {
            throw new ElfFormatException($"file is {length} bytes, too short for the 16-byte ELF identification", length);
        }

        if (span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
        {
            throw new ElfFormatException("not an ELF file: bad magic bytes", 0);
        }

        var elfClass = (ElfClass)span[4];
        if (elfClass != ElfClass.Elf64)
        {
            throw new ElfFormatException(
                elfClass == ElfClass.Elf32 ? "32-bit ELF (ELFCLASS32) is not supported" : $"invalid ELF class {span[4]}", 4);
        }

        var order = (ElfByteOrder)span[5];
        if (order is not ElfByteOrder.LittleEndian and not ElfByteOrder.BigEndian)
        {
            throw new ElfFormatException($"invalid ELF data encoding {span[5]}", 5);
        }

        if (span[6] != 1)
        {
            throw new ElfFormatException($"unsupported ELF identification version {span[6]}", 6);
        }

        if (length < ElfFile.HeaderSize)
        {
            throw new ElfFormatException($"file is {length} bytes, too short for the {ElfFile.HeaderSize}-byte ELF64 header", length);
        }

        // File header.
        var type = (ElfType)ElfBinary.U16(span, 16, order);
        var machine = (ElfMachine)ElfBinary.U16(span, 18, order);
        var version = ElfBinary.U32(span, 20, order);
        if (version != 1)
        {
            throw new ElfFormatException($"unsupported ELF version {version}", 20);
        }

        var entry = ElfBinary.U64(span, 24, order);
        var phoff = ElfBinary.U64(span, 32, order);
        var shoff = ElfBinary.U64(span, 40, order);
        var flags = ElfBinary.U32(span, 48, order);
        var ehsize = ElfBinary.U16(span, 52, order);
        var phentsize = ElfBinary.U16(span, 54, order);
        var phnum = ElfBinary.U16(span, 56, order);
        var shentsize = ElfBinary.U16(span, 58, order);
        var shnum = ElfBinary.U16(span, 60, order);
        var shstrndx = ElfBinary.U16(span, 62, order);

        if (ehsize < ElfFile.HeaderSize)
        {
            throw new ElfFormatException($"header size e_ehsize {ehsize} is smaller than {ElfFile.HeaderSize}", 52);
        }

        // Section header table, with extended numbering: e_shnum == 0 puts the count in section 0's sh_size,
        // e_shstrndx == SHN_XINDEX puts the name table index in section 0's sh_link, and e_phnum == PN_XNUM
        // puts the program header count in section 0's sh_info.
        var sectionCount = 0;
        if (shoff == 0)
        {
            if (shnum != 0)
            {
                throw new ElfFormatException($"e_shnum is {shnum} but e_shoff is 0", 60);
            }
        }
        else
        {
            if (shentsize < ElfFile.SectionHeaderSize)
            {
                throw new ElfFormatException($"section header entry size e_shentsize {shentsize} is smaller than {ElfFile.SectionHeaderSize}", 58);
            }

            if (!ElfBinary.Fits(shoff, ElfFile.SectionHeaderSize, length))
            {
                throw new ElfFormatException($"section header table offset e_shoff 0x{shoff:x} is outside the {length}-byte file", 40);
            }

            ulong count = shnum;
            if (count == 0)
            {
                count = ElfBinary.U64(span, (int)shoff + 32, order);
                if (count == 0)
                {
                    throw new ElfFormatException("e_shnum is 0 (extended numbering) but section 0's sh_size, the real count, is also 0", (long)shoff + 32);
                }
            }

            if (count > ((ulong)length - shoff) / shentsize)
            {
                throw new ElfFormatException(
                    $"section header table of {count} entries of {shentsize} bytes at offset 0x{shoff:x} runs past the end of the {length}-byte file", 40);
            }

            sectionCount = (int)count;
        }

        uint nameTableIndex = shstrndx;
        if (shstrndx == ElfSectionIndex.ExtendedIndex)
        {
            if (sectionCount == 0)
            {
                throw new ElfFormatException("e_shstrndx is SHN_XINDEX but there is no section 0 to hold the real index", 62);
            }

            nameTableIndex = ElfBinary.U32(span, (int)shoff + 40, order);
        }
        else if (shstrndx >= ElfSectionIndex.LowReserve)
        {
            throw new ElfFormatException($"e_shstrndx 0x{shstrndx:x} is a reserved section index", 62);
        }

        if (nameTableIndex != 0 && nameTableIndex >= (uint)sectionCount)
        {
            throw new ElfFormatException($"section name table index {nameTableIndex} is outside the {sectionCount} sections", 62);
        }

        // Raw section headers and their data ranges.
        var raw = new RawSection[sectionCount];
        for (var i = 0; i < sectionCount; i++)
        {
            var at = (int)shoff + (i * shentsize);
            var header = span.Slice(at, ElfFile.SectionHeaderSize);
            ref var s = ref raw[i];
            s.HeaderOffset = at;
            s.Name = ElfBinary.U32(header, 0, order);
            s.Type = (ElfSectionType)ElfBinary.U32(header, 4, order);
            s.Flags = (ElfSectionFlags)ElfBinary.U64(header, 8, order);
            s.Address = ElfBinary.U64(header, 16, order);
            s.Offset = ElfBinary.U64(header, 24, order);
            s.Size = ElfBinary.U64(header, 32, order);
            s.Link = ElfBinary.U32(header, 40, order);
            s.Info = ElfBinary.U32(header, 44, order);
            s.Alignment = ElfBinary.U64(header, 48, order);
            s.EntrySize = ElfBinary.U64(header, 56, order);

            if (i > 0 && s.Type is not ElfSectionType.NoBits and not ElfSectionType.Null)
            {
                if (!ElfBinary.Fits(s.Offset, s.Size, length))
                {
                    throw new ElfFormatException(
                        $"section {i} contents (offset 0x{s.Offset:x}, size 0x{s.Size:x}) lie outside the {length}-byte file", at + 24);
                }

                s.Data = image.Slice((int)s.Offset, (int)s.Size);
            }
        }

        // Section names.
        var names = default(ElfStringTable);
        if (nameTableIndex != 0)
        {
            ref var s = ref raw[nameTableIndex];
            if (s.Type != ElfSectionType.StrTab)
            {
                throw new ElfFormatException($"section name table {nameTableIndex} is {s.Type}, not a string table", s.HeaderOffset + 4);
            }

            names = new ElfStringTable(s.Data, (long)s.Offset);
            if (!names.IsTerminated)
            {
                throw new ElfFormatException($"section name table {nameTableIndex} does not end with a NUL byte", (long)s.Offset + s.Data.Length - 1);
            }
        }

        var sections = new ElfSection[sectionCount];
        for (var i = 0; i < sectionCount; i++)
        {
            ref var s = ref raw[i];
            if (!names.ContainsOffset(s.Name))
            {
                throw new ElfFormatException($"section {i} name offset sh_name {s.Name} is outside the {names.Size}-byte section name table", s.HeaderOffset);
            }

            sections[i] = new ElfSection(i, names)
            {
                NameOffset = s.Name,
                Type = s.Type,
                Flags = s.Flags,
                Address = s.Address,
                Offset = s.Offset,
                Size = s.Size,
                Link = s.Link,
                Info = s.Info,
                AddressAlignment = s.Alignment,
                EntrySize = s.EntrySize,
                Data = s.Data,
            };
        }

        var programHeaders = ReadProgramHeaders(image, order, phoff, phentsize, phnum, sectionCount == 0 ? null : raw[0].Info);

        // Symbol and relocation tables are validated entry by entry; requiring their contents not to overlap
        // keeps that work linear in the file size even for crafted files with many aliasing tables.
        RejectOverlappingTables(raw);

        // Symbol tables, with the SHT_SYMTAB_SHNDX section (if any) that links to each.
        var extendedIndexSections = new Dictionary<uint, int>();
        for (var i = 0; i < sectionCount; i++)
        {
            if (raw[i].Type == ElfSectionType.SymTabShndx)
            {
                extendedIndexSections.TryAdd(raw[i].Link, i);
            }
        }

        var symbolTables = new ElfSymbolTable?[sectionCount];
        ElfSymbolTable? symtab = null, dynsym = null;
        for (var i = 0; i < sectionCount; i++)
        {
            if (raw[i].Type is ElfSectionType.SymTab or ElfSectionType.DynSym)
            {
                var extended = extendedIndexSections.TryGetValue((uint)i, out var shndx) ? raw[shndx].Data : ReadOnlyMemory<byte>.Empty;
                var table = ReadSymbolTable(raw, sections, i, extended, order);
                symbolTables[i] = table;
                if (raw[i].Type == ElfSectionType.SymTab)
                {
                    symtab ??= table;
                }
                else
                {
                    dynsym ??= table;
                }
            }
        }

        // Relocation tables.
        var relocationTables = new ElfRelocationTable?[sectionCount];
        var relocations = new List<ElfRelocationTable>();
        for (var i = 0; i < sectionCount; i++)
        {
            if (raw[i].Type is ElfSectionType.Rel or ElfSectionType.Rela)
            {
                var table = ReadRelocationTable(raw, sections, symbolTables, i, order);
                relocationTables[i] = table;
                relocations.Add(table);
            }
        }

        return new ElfFile(owner)
        {
            Image = image,
            Class = elfClass,
            ByteOrder = order,
            OsAbi = span[7],
            AbiVersion = span[8],
            Type = type,
            Machine = machine,
            Version = version,
            Entry = entry,
            Flags = flags,
            DeclaredHeaderSize = ehsize,
            ProgramHeaderOffset = phoff,
            ProgramHeaderEntrySize = phentsize,
            SectionHeaderOffset = shoff,
            SectionHeaderEntrySize = shentsize,
            SectionNameTableIndex = (int)nameTableIndex,
            Sections = sections,
            SectionNames = names,
            ProgramHeaders = programHeaders,
            Symbols = symtab ?? ElfSymbolTable.Empty,
            DynamicSymbols = dynsym ?? ElfSymbolTable.Empty,
            SymbolTablesBySection = symbolTables,
            RelocationTablesBySection = relocationTables,
            RelocationTables = relocations,
        };
    }

    private static void RejectOverlappingTables(RawSection[] raw)
    {
        var tables = new List<(ulong Start, ulong End, int Index)>();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i].Type is ElfSectionType.SymTab or ElfSectionType.DynSym or ElfSectionType.Rel or ElfSectionType.Rela or ElfSectionType.SymTabShndx
                && !raw[i].Data.IsEmpty)
            {
                tables.Add((raw[i].Offset, raw[i].Offset + (ulong)raw[i].Data.Length, i));
            }
        }

        tables.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (var i = 1; i < tables.Count; i++)
        {
            if (tables[i].Start < tables[i - 1].End)
            {
                throw new ElfFormatException(
                    $"table section {tables[i].Index} overlaps table section {tables[i - 1].Index} in the file", raw[tables[i].Index].HeaderOffset + 24);
            }
        }
    }

    private static ElfProgramHeader[] ReadProgramHeaders(ReadOnlyMemory<byte> image, ElfByteOrder order, ulong phoff, ushort phentsize, ushort phnum, uint? section0Info)
    {
        var span = image.Span;
        var length = span.Length;
        ulong count = phnum;
        if (phnum == ProgramHeaderExtendedCount)
        {
            count = section0Info ?? throw new ElfFormatException("e_phnum is PN_XNUM but there is no section 0 to hold the real count", 56);
        }

        if (count == 0)
        {
            return [];
        }

        if (phoff == 0)
        {
            throw new ElfFormatException($"e_phnum is {count} but e_phoff is 0", 32);
        }

        if (phentsize < ElfFile.ProgramHeaderSize)
        {
            throw new ElfFormatException($"program header entry size e_phentsize {phentsize} is smaller than {ElfFile.ProgramHeaderSize}", 54);
        }

        if (phoff > (ulong)length || count > ((ulong)length - phoff) / phentsize)
        {
            throw new ElfFormatException(
                $"program header table of {count} entries of {phentsize} bytes at offset 0x{phoff:x} runs past the end of the {length}-byte file", 32);
        }

        var headers = new ElfProgramHeader[(int)count];
        for (var i = 0; i < headers.Length; i++)
        {
            var at = (int)phoff + (i * phentsize);
            var h = span.Slice(at, ElfFile.ProgramHeaderSize);
            var offset = ElfBinary.U64(h, 8, order);
            var fileSize = ElfBinary.U64(h, 32, order);
            var data = ReadOnlyMemory<byte>.Empty;
            if (fileSize != 0)
            {
                if (!ElfBinary.Fits(offset, fileSize, length))
                {
                    throw new ElfFormatException(
                        $"segment {i} contents (offset 0x{offset:x}, size 0x{fileSize:x}) lie outside the {length}-byte file", at + 8);
                }

                data = image.Slice((int)offset, (int)fileSize);
            }

            headers[i] = new ElfProgramHeader
            {
                Type = (ElfSegmentType)ElfBinary.U32(h, 0, order),
                Flags = (ElfSegmentFlags)ElfBinary.U32(h, 4, order),
                Offset = offset,
                VirtualAddress = ElfBinary.U64(h, 16, order),
                PhysicalAddress = ElfBinary.U64(h, 24, order),
                FileSize = fileSize,
                MemorySize = ElfBinary.U64(h, 40, order),
                Alignment = ElfBinary.U64(h, 48, order),
                Data = data,
            };
        }

        return headers;
    }

    private static ElfSymbolTable ReadSymbolTable(RawSection[] raw, ElfSection[] sections, int index, ReadOnlyMemory<byte> extended, ElfByteOrder order)
    {
        ref var s = ref raw[index];
        if (s.EntrySize != ElfSymbolTable.EntrySize && s.EntrySize != 0)
        {
            throw new ElfFormatException($"symbol table section {index} has entry size {s.EntrySize}, expected {ElfSymbolTable.EntrySize}", s.HeaderOffset + 56);
        }

        if (s.Data.Length % ElfSymbolTable.EntrySize != 0)
        {
            throw new ElfFormatException($"symbol table section {index} size {s.Size} is not a multiple of {ElfSymbolTable.EntrySize}", s.HeaderOffset + 32);
        }

        // The string table named by sh_link.
        var strings = default(ElfStringTable);
        if (s.Link != 0)
        {
            if (s.Link >= (uint)raw.Length)
            {
                throw new ElfFormatException($"symbol table section {index} links to string table {s.Link}, outside the {raw.Length} sections", s.HeaderOffset + 40);
            }

            ref var str = ref raw[s.Link];
            if (str.Type != ElfSectionType.StrTab)
            {
                throw new ElfFormatException($"symbol table section {index} links to section {s.Link} of type {str.Type}, not a string table", s.HeaderOffset + 40);
            }

            strings = new ElfStringTable(str.Data, (long)str.Offset);
            if (!strings.IsTerminated)
            {
                throw new ElfFormatException($"string table section {s.Link} does not end with a NUL byte", (long)str.Offset + str.Data.Length - 1);
            }
        }

        var table = new ElfSymbolTable(sections[index], s.Data, strings, extended, order);
        var data = s.Data.Span;
        for (var i = 0; i < table.Count; i++)
        {
            var at = i * ElfSymbolTable.EntrySize;
            var fileOffset = (long)s.Offset + at;
            var nameOffset = ElfBinary.U32(data, at, order);
            if (!strings.ContainsOffset(nameOffset))
            {
                throw new ElfFormatException($"symbol {i} of section {index}: name offset {nameOffset} is outside the {strings.Size}-byte string table", fileOffset);
            }

            uint shndx = table.RawSectionIndex(i);
            if (shndx == ElfSectionIndex.ExtendedIndex)
            {
                if (i >= table.ExtendedIndexCount)
                {
                    throw new ElfFormatException($"symbol {i} of section {index} has section index SHN_XINDEX but no SHT_SYMTAB_SHNDX entry", fileOffset + 6);
                }

                shndx = table[i].SectionIndex;
                if (shndx >= (uint)raw.Length)
                {
                    throw new ElfFormatException($"symbol {i} of section {index}: extended section index {shndx} is outside the {raw.Length} sections", fileOffset + 6);
                }
            }
            else if (shndx < ElfSectionIndex.LowReserve && shndx >= (uint)raw.Length)
            {
                throw new ElfFormatException($"symbol {i} of section {index}: section index {shndx} is outside the {raw.Length} sections", fileOffset + 6);
            }
        }

        return table;
    }

    private static ElfRelocationTable ReadRelocationTable(RawSection[] raw, ElfSection[] sections, ElfSymbolTable?[] symbolTables, int index, ElfByteOrder order)
    {
        ref var s = ref raw[index];
        var entrySize = s.Type == ElfSectionType.Rela ? ElfRelocationTable.RelaEntrySize : ElfRelocationTable.RelEntrySize;
        if (s.EntrySize != (ulong)entrySize && s.EntrySize != 0)
        {
            throw new ElfFormatException($"relocation section {index} has entry size {s.EntrySize}, expected {entrySize}", s.HeaderOffset + 56);
        }

        if (s.Data.Length % entrySize != 0)
        {
            throw new ElfFormatException($"relocation section {index} size {s.Size} is not a multiple of {entrySize}", s.HeaderOffset + 32);
        }

        var symbols = ElfSymbolTable.Empty;
        if (s.Link != 0)
        {
            if (s.Link >= (uint)raw.Length || symbolTables[s.Link] is not { } linked)
            {
                throw new ElfFormatException($"relocation section {index} links to section {s.Link}, which is not a symbol table", s.HeaderOffset + 40);
            }

            symbols = linked;
        }

        if (s.Info >= (uint)raw.Length)
        {
            throw new ElfFormatException($"relocation section {index} applies to section {s.Info}, outside the {raw.Length} sections", s.HeaderOffset + 44);
        }

        var table = new ElfRelocationTable(sections[index], s.Info == 0 ? null : sections[s.Info], symbols, order);
        for (var i = 0; i < table.Count; i++)
        {
            var symbol = table[i].SymbolIndex;
            if (symbol >= (uint)symbols.Count && symbol != 0)
            {
                throw new ElfFormatException(
                    $"relocation {i} of section {index} refers to symbol {symbol}, outside the {symbols.Count}-entry symbol table", (long)s.Offset + ((long)i * entrySize) + 8);
            }
        }

        return table;
    }

    private struct RawSection
    {
        public int HeaderOffset;
        public uint Name;
        public ElfSectionType Type;
        public ElfSectionFlags Flags;
        public ulong Address;
        public ulong Offset;
        public ulong Size;
        public uint Link;
        public uint Info;
        public ulong Alignment;
        public ulong EntrySize;
        public ReadOnlyMemory<byte> Data;
    }
}
