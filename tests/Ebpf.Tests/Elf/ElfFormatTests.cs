using Ebpf.Elf;
using static Ebpf.Tests.Elf.ElfImage;

namespace Ebpf.Tests.Elf;

/// <summary>Specific malformed inputs, and the unusual but valid encodings (extended numbering, SHN_XINDEX).</summary>
public class ElfFormatTests
{
    private static byte[] Object(bool bigEndian = false) => File.ReadAllBytes(TestPrograms.Path("maps_and_globals", bigEndian));

    private static ElfFormatException Fails(byte[] image) => Assert.Throws<ElfFormatException>(() => ElfFile.Parse(image))!;

    [Test]
    public void RejectsShortOrForeignInput()
    {
        Assert.That(Fails([]).Offset, Is.EqualTo(0));
        Assert.That(Fails("\u007fELF"u8.ToArray()).Message, Does.Contain("too short"));
        Assert.That(Fails(new byte[64]).Message, Does.Contain("magic"));

        var image = Object();
        image[4] = 1;
        Assert.That(Fails(image).Message, Does.Contain("ELFCLASS32"));
        image = Object();
        image[5] = 3;
        Assert.That(Fails(image).Offset, Is.EqualTo(5));
        image = Object();
        image[6] = 0;
        Assert.That(Fails(image).Offset, Is.EqualTo(6));
        Assert.That(Fails(Object()[..63]).Message, Does.Contain("64-byte ELF64 header"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ReportsOffsetOfBadSectionHeaderFields(bool bigEndian)
    {
        var image = Object(bigEndian);
        Write(image, EShoff, 8, (ulong)image.Length - 10);
        Assert.That(Fails(image).Offset, Is.EqualTo(EShoff));

        image = Object(bigEndian);
        Write(image, EShoff, 8, ulong.MaxValue - 8);
        Assert.That(Fails(image).Message, Does.Contain("outside"));

        image = Object(bigEndian);
        Write(image, EShentsize, 2, 40);
        Assert.That(Fails(image).Offset, Is.EqualTo(EShentsize));

        image = Object(bigEndian);
        Write(image, EShnum, 2, 0xfff0);
        Assert.That(Fails(image).Message, Does.Contain("runs past the end"));

        image = Object(bigEndian);
        Write(image, EShstrndx, 2, 0xff05);
        Assert.That(Fails(image).Message, Does.Contain("reserved"));

        image = Object(bigEndian);
        var text = SectionHeader(image, 2);
        Write(image, text + ShSize, 8, ulong.MaxValue);
        var ex = Fails(image);
        Assert.That(ex.Offset, Is.EqualTo(text + ShOffset));
        Assert.That(ex.Message, Does.Contain("section 2"));

        image = Object(bigEndian);
        Write(image, text + ShName, 4, 0x7fffffff);
        Assert.That(Fails(image).Offset, Is.EqualTo(text));
    }

    [Test]
    public void RejectsUnterminatedStringTable()
    {
        var image = Object();
        var elf = ElfFile.Parse(image);
        var strtab = elf.Sections[elf.SectionNameTableIndex];
        image[(int)strtab.Offset + (int)strtab.Size - 1] = (byte)'x';
        var ex = Fails(image);
        Assert.That(ex.Message, Does.Contain("NUL"));
        Assert.That(ex.Offset, Is.EqualTo((long)strtab.Offset + (long)strtab.Size - 1));
    }

    [Test]
    public void RejectsSymbolAndRelocationTablesThatDoNotFit()
    {
        var original = Object();
        var elf = ElfFile.Parse(original);
        var symtab = elf.Symbols.Section!;

        var image = (byte[])original.Clone();
        Write(image, SectionHeader(image, symtab.Index) + ShLink, 4, 9999);
        Assert.That(Fails(image).Message, Does.Contain("string table 9999"));

        image = (byte[])original.Clone();
        Write(image, SectionHeader(image, symtab.Index) + ShEntsize, 8, 16);
        Assert.That(Fails(image).Message, Does.Contain("entry size"));

        image = (byte[])original.Clone();
        Write(image, (int)symtab.Offset + (2 * 24) + 6, 2, 0x1234);
        Assert.That(Fails(image).Message, Does.Contain("section index 4660"));

        image = (byte[])original.Clone();
        Write(image, (int)symtab.Offset + (2 * 24) + 6, 2, 0xffff);
        Assert.That(Fails(image).Message, Does.Contain("SHN_XINDEX"));

        // Two relocation sections sharing contents would let a small file demand quadratic validation work.
        var firstRel = SectionHeader(original, elf.RelocationTables[0].Section.Index);
        var secondRel = SectionHeader(original, elf.RelocationTables[1].Section.Index);
        image = (byte[])original.Clone();
        Write(image, secondRel + ShOffset, 8, Read(image, firstRel + ShOffset, 8));
        Assert.That(Fails(image).Message, Does.Contain("overlaps"));

        var rel = elf.RelocationTables[0].Section;
        image = (byte[])original.Clone();
        Write(image, (int)rel.Offset + 8, 8, 0x00ff_0000_0000_0001);
        Assert.That(Fails(image).Message, Does.Contain("refers to symbol"));

        image = (byte[])original.Clone();
        Write(image, SectionHeader(image, rel.Index) + ShLink, 4, 1);
        Assert.That(Fails(image).Message, Does.Contain("not a symbol table"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ReadsExtendedSectionNumbering(bool bigEndian)
    {
        var image = Object(bigEndian);
        var expected = ElfFile.Parse((byte[])image.Clone());
        var count = (ulong)expected.Sections.Count;
        var section0 = SectionHeader(image, 0);
        Write(image, EShnum, 2, 0);
        Write(image, section0 + ShSize, 8, count);
        Write(image, EShstrndx, 2, 0xffff);
        Write(image, section0 + ShLink, 4, (ulong)expected.SectionNameTableIndex);

        var elf = ElfFile.Parse(image);
        Assert.That(elf.Sections.Select(s => s.Name), Is.EqualTo(expected.Sections.Select(s => s.Name)));
        Assert.That(elf.SectionNameTableIndex, Is.EqualTo(expected.SectionNameTableIndex));
        Assert.That(elf.Symbols.Count, Is.EqualTo(expected.Symbols.Count));

        Write(image, section0 + ShSize, 8, 0);
        Assert.That(Fails(image).Message, Does.Contain("extended numbering"));
        Write(image, section0 + ShSize, 8, uint.MaxValue * 16UL);
        Assert.That(Fails(image).Message, Does.Contain("runs past the end"));
        Write(image, section0 + ShSize, 8, count);
        Write(image, section0 + ShLink, 4, count);
        Assert.That(Fails(image).Message, Does.Contain("name table index"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ResolvesExtendedSymbolSectionIndices(bool bigEndian)
    {
        // Append an SHT_SYMTAB_SHNDX section for .symtab and a new section header table, then mark symbol 2 SHN_XINDEX.
        var original = Object(bigEndian);
        var elf = ElfFile.Parse(original);
        var symtab = elf.Symbols.Section!;
        var symbol = elf.Symbols[2];
        Assert.That(symbol.IsInSection, Is.True);

        var shndxOffset = (original.Length + 7) & ~7;
        var shndxSize = elf.Symbols.Count * 4;
        var shoff = shndxOffset + shndxSize;
        var count = elf.Sections.Count + 1;
        var image = new byte[shoff + (count * 64)];
        original.CopyTo(image, 0);
        Array.Copy(original, (long)elf.SectionHeaderOffset, image, shoff, elf.Sections.Count * 64);
        Write(image, EShoff, 8, (ulong)shoff);
        Write(image, EShnum, 2, (ulong)count);
        var header = shoff + ((count - 1) * 64);
        Write(image, header + ShType, 4, (ulong)ElfSectionType.SymTabShndx);
        Write(image, header + ShOffset, 8, (ulong)shndxOffset);
        Write(image, header + ShSize, 8, (ulong)shndxSize);
        Write(image, header + ShLink, 4, (ulong)symtab.Index);
        Write(image, header + ShEntsize, 8, 4);
        Write(image, shndxOffset + 8, 4, symbol.SectionIndex);
        Write(image, (int)symtab.Offset + (2 * 24) + 6, 2, 0xffff);

        var parsed = ElfFile.Parse(image);
        Assert.That(parsed.Sections[^1].Type, Is.EqualTo(ElfSectionType.SymTabShndx));
        Assert.That(parsed.Symbols[2].SectionIndex, Is.EqualTo(symbol.SectionIndex));
        Assert.That(parsed.Symbols[1].SectionIndex, Is.EqualTo(elf.Symbols[1].SectionIndex));

        Write(image, shndxOffset + 8, 4, 5000);
        Assert.That(Fails(image).Message, Does.Contain("extended section index 5000"));
    }

    [Test]
    public void ExposesNoBitsSectionsWithSizeButNoData()
    {
        var elf = ElfFile.Parse(Object());
        var bss = elf.FindSection(".bss");
        Assert.That(bss, Is.Not.Null);
        Assert.That(bss!.Type, Is.EqualTo(ElfSectionType.NoBits));
        Assert.That(bss.Size, Is.GreaterThan(0UL));
        Assert.That(bss.Data.IsEmpty, Is.True);
        Assert.That(bss.HasData, Is.False);
    }

    [Test]
    public void LooksUpSectionsSymbolsAndStrings()
    {
        var elf = ElfFile.Parse(Object(bigEndian: true));
        Assert.That(elf.TryGetSection(".maps", out var maps), Is.True);
        Assert.That(elf.GetSection((uint)maps!.Index), Is.SameAs(maps));
        Assert.That(elf.FindSection(".maps"u8), Is.SameAs(maps));
        Assert.That(elf.FindSection("no such section"), Is.Null);
        Assert.Throws<ElfFormatException>(() => elf.GetSection(10_000));

        Assert.That(elf.GetString((uint)elf.SectionNameTableIndex, maps.NameOffset), Is.EqualTo(".maps"));
        Assert.Throws<ElfFormatException>(() => elf.GetString((uint)elf.SectionNameTableIndex, 1_000_000));
        Assert.Throws<ElfFormatException>(() => elf.GetStringTable((uint)maps.Index));
        Assert.That(elf.GetSymbolTable(elf.Symbols.Section!), Is.SameAs(elf.Symbols));
        Assert.Throws<ArgumentException>(() => elf.GetSymbolTable(maps));
        Assert.Throws<ArgumentException>(() => elf.GetRelocationTable(maps));

        var mapSymbols = elf.Symbols.Where(s => s.SectionIndex == (uint)maps.Index && s.Type == ElfSymbolType.Object).ToList();
        Assert.That(mapSymbols, Is.Not.Empty);
        Assert.That(elf.Symbols.TryFind(mapSymbols[0].Name, out var found), Is.True);
        Assert.That(found.Index, Is.EqualTo(mapSymbols[0].Index));
        Assert.That(elf.Symbols.TryFind("no such symbol", out _), Is.False);
        Assert.That(ElfSymbolTable.Empty.Count, Is.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = elf.Symbols[elf.Symbols.Count]);
    }

    [Test]
    public void OpenRejectsEmptyFileAndUnmapsOnDispose()
    {
        var empty = Path.Combine(Path.GetTempPath(), $"ebpf-elf-empty-{Environment.ProcessId}.o");
        File.WriteAllBytes(empty, []);
        try
        {
            Assert.Throws<ElfFormatException>(() => ElfFile.Open(empty));
        }
        finally
        {
            File.Delete(empty);
        }

        Assert.Throws<FileNotFoundException>(() => ElfFile.Open(Path.Combine(TestPrograms.Directory, "missing.o")));

        var elf = ElfFile.Open(TestPrograms.Path("packet"));
        var text = elf.FindSection(".text") ?? elf.Sections.First(s => s.Flags.HasFlag(ElfSectionFlags.ExecInstr));
        Assert.That(text.Data.Span.Length, Is.EqualTo((int)text.Size));
        elf.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = text.Data.Span.Length);
        elf.Dispose();
    }

    [Test]
    public void HandlesProgramHeaderTablesOfExecutablesOnly()
    {
        var image = Object();
        Write(image, EPhnum, 2, 1);
        Assert.That(Fails(image).Message, Does.Contain("e_phoff is 0"));
        Write(image, EPhoff, 8, 64);
        Write(image, EPhentsize, 2, 56);
        Write(image, 64 + 8, 8, ulong.MaxValue); // p_offset
        Write(image, 64 + 32, 8, 16); // p_filesz
        Assert.That(Fails(image).Message, Does.Contain("segment 0"));
        Write(image, 64 + 8, 8, 0);
        Write(image, 64 + 16, 8, 0x1000); // p_vaddr
        Write(image, 64, 4, (ulong)ElfSegmentType.Load);
        var elf = ElfFile.Parse(image);
        Assert.That(elf.ProgramHeaders, Has.Count.EqualTo(1));
        Assert.That(elf.TryGetFileOffset(0x1008, out var offset), Is.True);
        Assert.That(offset, Is.EqualTo(8UL));
        Assert.That(elf.TryGetFileOffset(0x1010, out _), Is.False);
    }
}
