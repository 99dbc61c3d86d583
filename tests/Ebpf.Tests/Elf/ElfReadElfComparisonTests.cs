using Ebpf.Elf;

namespace Ebpf.Tests.Elf;

/// <summary>Compares what <see cref="ElfFile"/> reads with llvm-readelf, for our BPF objects and for native executables.</summary>
public class ElfReadElfComparisonTests
{
    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetFileName(path)));

    public static IEnumerable<TestCaseData> NativeExecutables() =>
        new[] { "/bin/ls", "/usr/bin/env", Environment.ProcessPath ?? "", "/usr/share/dotnet/dotnet" }
            .Where(p => p.Length > 0 && File.Exists(p))
            .Select(p => new FileInfo(p).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? new FileInfo(p).FullName)
            .Where(p => File.ReadAllBytes(p).AsSpan(0, 4).SequenceEqual("\u007fELF"u8))
            .Distinct()
            .Select(p => new TestCaseData(p).SetArgDisplayNames(Path.GetFileName(p)));

    [Test]
    public void TestObjectsWereBuilt()
    {
        Assert.That(TestPrograms.All, Has.Count.GreaterThanOrEqualTo(2), "bin/.../bpf/*.o are built by dotnet build");
        Assert.That(TestPrograms.All.Count(p => p.EndsWith(".bpfeb.o", StringComparison.Ordinal)), Is.GreaterThan(0));
    }

    [TestCaseSource(nameof(Objects))]
    public void BpfObjectMatchesReadElf(string path)
    {
        using var elf = ElfFile.Parse(File.ReadAllBytes(path));
        var expected = ReadElfDump.Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(elf.Class, Is.EqualTo(ElfClass.Elf64));
            Assert.That(elf.ByteOrder, Is.EqualTo(path.EndsWith(".bpfeb.o", StringComparison.Ordinal) ? ElfByteOrder.BigEndian : ElfByteOrder.LittleEndian));
            Assert.That(elf.Type, Is.EqualTo(ElfType.Relocatable));
            Assert.That(elf.Machine, Is.EqualTo(ElfMachine.Bpf));
            Assert.That(elf.IsBpf, Is.True);
            Assert.That(elf.ProgramHeaders, Is.Empty);
            Assert.That(elf.DynamicSymbols.Count, Is.Zero);
            Assert.That(elf.Symbols.Section?.Name, Is.EqualTo(".symtab"));
        });

        CompareSections(elf, expected);
        CompareSymbols(elf, elf.Symbols, expected.Symbols);
        CompareRelocations(elf, expected);

        // BPF-specific sanity: the objects carry code, a license and BTF.
        Assert.That(elf.FindSection("license"), Is.Not.Null);
        Assert.That(elf.FindSection(".BTF"), Is.Not.Null);
        // (in .text or, for objects with no shared functions such as linked ones, in program sections only).
        Assert.That(elf.Sections.Where(s => s.Flags == (ElfSectionFlags.Alloc | ElfSectionFlags.ExecInstr)), Is.Not.Empty);
        if (elf.FindSection(".text") is { } text)
        {
            Assert.That(text.Flags, Is.EqualTo(ElfSectionFlags.Alloc | ElfSectionFlags.ExecInstr));
        }
    }

    [TestCaseSource(nameof(NativeExecutables))]
    public void NativeExecutableMatchesReadElf(string path)
    {
        using var elf = ElfFile.Open(path);
        var expected = ReadElfDump.Run(path);

        Assert.That(elf.Type, Is.AnyOf(ElfType.Executable, ElfType.SharedObject));
        Assert.That(elf.IsBpf, Is.False);
        Assert.That(elf.ProgramHeaders, Is.Not.Empty);
        Assert.That(elf.DynamicSymbols.Count, Is.GreaterThan(1), ".dynsym");
        Assert.That(elf.DynamicSymbols.Section?.Type, Is.EqualTo(ElfSectionType.DynSym));

        CompareSections(elf, expected);
        CompareProgramHeaders(elf, expected);
        CompareSymbols(elf, elf.DynamicSymbols, expected.DynamicSymbols);
        CompareSymbols(elf, elf.Symbols, expected.Symbols);
        CompareRelocations(elf, expected);

        // Every defined function resolves to a file offset through PT_LOAD, as uprobes need.
        var functions = 0;
        foreach (var symbol in elf.DynamicSymbols)
        {
            if (symbol.Type == ElfSymbolType.Function && symbol.IsInSection)
            {
                Assert.That(elf.TryGetFileOffset(symbol.Value, out var offset), Is.True, symbol.Name);
                Assert.That(offset, Is.LessThan((ulong)elf.Image.Length));
                var section = elf.Sections[(int)symbol.SectionIndex];
                Assert.That(offset, Is.EqualTo(section.Offset + (symbol.Value - section.Address)), symbol.Name);
                functions++;
            }
        }

        Assert.That(functions + elf.DynamicSymbols.Count(s => s.IsUndefined), Is.GreaterThan(0));
    }

    [Test]
    public void ReadsEverySystemLibraryAndExecutable()
    {
        // Real-world ET_DYN/ET_EXEC files from several toolchains must all pass validation.
        var dirs = new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/bin", Path.GetDirectoryName(typeof(object).Assembly.Location)! };
        var files = dirs.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d))
            .Where(f => new FileInfo(f) is { Length: >= 64 and < 64 << 20 } info && !info.Attributes.HasFlag(FileAttributes.ReparsePoint))
            .Where(f => IsElf(f))
            .Take(400)
            .ToList();
        Assert.That(files, Is.Not.Empty);
        var symbols = 0L;
        foreach (var file in files)
        {
            try
            {
                using var elf = ElfFile.Open(file);
                symbols += elf.DynamicSymbols.Count + elf.Symbols.Count;
                ElfImage.Walk(elf);
            }
            catch (ElfFormatException ex)
            {
                Assert.Fail($"{file}: {ex.Message}");
            }
        }

        TestContext.Out.WriteLine($"{files.Count} files, {symbols} symbols");
    }

    private static bool IsElf(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[5];
            return stream.Read(magic) == 5 && magic.SequenceEqual("\u007fELF\u0002"u8);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Test]
    public void MemoryMappedAndInMemoryReadsAgree()
    {
        foreach (var path in TestPrograms.All)
        {
            using var mapped = ElfFile.Open(path);
            var bytes = File.ReadAllBytes(path);
            var parsed = ElfFile.Parse(bytes);
            Assert.That(mapped.Image.ToArray(), Is.EqualTo(bytes));
            Assert.That(mapped.Sections.Select(s => (s.Name, s.Type, s.Size, s.Data.ToArray())),
                Is.EqualTo(parsed.Sections.Select(s => (s.Name, s.Type, s.Size, s.Data.ToArray()))));
            Assert.That(mapped.Symbols.Select(s => (s.Name, s.Value)), Is.EqualTo(parsed.Symbols.Select(s => (s.Name, s.Value))));
        }
    }

    [Test]
    public void BothByteOrdersReadTheSameObject()
    {
        foreach (var name in TestPrograms.All.Where(p => p.EndsWith(".bpfel.o", StringComparison.Ordinal) && TestPrograms.HasSameCodeInBothByteOrders(p)).Select(p => Path.GetFileName(p)[..^".bpfel.o".Length]))
        {
            var el = ElfFile.Parse(File.ReadAllBytes(TestPrograms.Path(name, bigEndian: false)));
            var eb = ElfFile.Parse(File.ReadAllBytes(TestPrograms.Path(name, bigEndian: true)));
            Assert.That(eb.Sections.Select(s => (s.Name, s.Type, s.Flags)), Is.EqualTo(el.Sections.Select(s => (s.Name, s.Type, s.Flags))), name);
            Assert.That(eb.Symbols.Select(s => (s.Name, s.Binding, s.Type, s.SectionIndex)),
                Is.EqualTo(el.Symbols.Select(s => (s.Name, s.Binding, s.Type, s.SectionIndex))), name);
        }
    }

    private static void CompareSections(ElfFile elf, ReadElfDump expected)
    {
        Assert.That(elf.Sections, Has.Count.EqualTo(expected.Sections.Count), "section count");
        for (var i = 0; i < elf.Sections.Count; i++)
        {
            var actual = elf.Sections[i];
            var e = expected.Sections[i];
            var where = $"section {i} {actual.Name}";
            Assert.Multiple(() =>
            {
                Assert.That(actual.Index, Is.EqualTo((int)ReadElfDump.Number(e["Index"])), where);
                Assert.That(actual.Name, Is.EqualTo(ReadElfDump.NameOf(e["Name"])), where);
                Assert.That(actual.NameOffset, Is.EqualTo(ReadElfDump.Number(e["Name"])), where);
                Assert.That((ulong)actual.Type, Is.EqualTo(ReadElfDump.Number(e["Type"])), where);
                Assert.That((ulong)actual.Flags, Is.EqualTo(ReadElfDump.Number(e["Flags"])), where);
                Assert.That(actual.Address, Is.EqualTo(ReadElfDump.Number(e["Address"])), where);
                Assert.That(actual.Offset, Is.EqualTo(ReadElfDump.Number(e["Offset"])), where);
                Assert.That(actual.Size, Is.EqualTo(ReadElfDump.Number(e["Size"])), where);
                Assert.That(actual.Link, Is.EqualTo(ReadElfDump.Number(e["Link"])), where);
                Assert.That(actual.Info, Is.EqualTo(ReadElfDump.Number(e["Info"])), where);
                Assert.That(actual.AddressAlignment, Is.EqualTo(ReadElfDump.Number(e["AddressAlignment"])), where);
                Assert.That(actual.EntrySize, Is.EqualTo(ReadElfDump.Number(e["EntrySize"])), where);
                Assert.That(actual.Data.Length, Is.EqualTo(actual.HasData ? (int)actual.Size : 0), where);
                Assert.That(elf.FindSection(actual.Name), Is.Not.Null, where);
            });
        }
    }

    private static void CompareProgramHeaders(ElfFile elf, ReadElfDump expected)
    {
        Assert.That(elf.ProgramHeaders, Has.Count.EqualTo(expected.ProgramHeaders.Count), "program header count");
        for (var i = 0; i < elf.ProgramHeaders.Count; i++)
        {
            var actual = elf.ProgramHeaders[i];
            var e = expected.ProgramHeaders[i];
            var where = $"program header {i} {actual.Type}";
            Assert.Multiple(() =>
            {
                Assert.That((ulong)actual.Type, Is.EqualTo(ReadElfDump.Number(e["Type"])), where);
                Assert.That(actual.Offset, Is.EqualTo(ReadElfDump.Number(e["Offset"])), where);
                Assert.That(actual.VirtualAddress, Is.EqualTo(ReadElfDump.Number(e["VirtualAddress"])), where);
                Assert.That(actual.PhysicalAddress, Is.EqualTo(ReadElfDump.Number(e["PhysicalAddress"])), where);
                Assert.That(actual.FileSize, Is.EqualTo(ReadElfDump.Number(e["FileSize"])), where);
                Assert.That(actual.MemorySize, Is.EqualTo(ReadElfDump.Number(e["MemSize"])), where);
                Assert.That((ulong)actual.Flags, Is.EqualTo(ReadElfDump.Number(e["Flags"])), where);
                Assert.That(actual.Alignment, Is.EqualTo(ReadElfDump.Number(e["Alignment"])), where);
                Assert.That(actual.Data.Length, Is.EqualTo((int)actual.FileSize), where);
            });
        }
    }

    private static void CompareSymbols(ElfFile elf, ElfSymbolTable table, List<Dictionary<string, string>> expected)
    {
        Assert.That(table.Count, Is.EqualTo(expected.Count), "symbol count");
        var i = 0;
        foreach (var symbol in table)
        {
            var e = expected[i];
            var where = $"symbol {i} {symbol.Name}";
            Assert.That(symbol.Index, Is.EqualTo(i));
            var expectedName = ReadElfDump.NameOf(e["Name"]);
            var name = symbol.Type == ElfSymbolType.Section && symbol.NameOffset == 0 ? elf.Sections[(int)symbol.SectionIndex].Name : symbol.Name;
            Assert.Multiple(() =>
            {
                // llvm-readelf appends symbol versions ("free@GLIBC_2.2.5") to dynamic symbol names.
                Assert.That(expectedName == name || expectedName.StartsWith(name + "@", StringComparison.Ordinal), Is.True, $"{where}: expected {expectedName}");
                Assert.That(symbol.NameOffset, Is.EqualTo(ReadElfDump.Number(e["Name"])), where);
                Assert.That(symbol.Value, Is.EqualTo(ReadElfDump.Number(e["Value"])), where);
                Assert.That(symbol.Size, Is.EqualTo(ReadElfDump.Number(e["Size"])), where);
                Assert.That((ulong)symbol.Binding, Is.EqualTo(ReadElfDump.Number(e["Binding"])), where);
                Assert.That((ulong)symbol.Type, Is.EqualTo(ReadElfDump.Number(e["Type"])), where);
                Assert.That((ulong)symbol.Other, Is.EqualTo(ReadElfDump.Number(e["Other"])), where);
                Assert.That((ulong)symbol.Visibility, Is.EqualTo(ReadElfDump.Number(e["Other"]) & 3), where);
                Assert.That(symbol.SectionIndex, Is.EqualTo(ReadElfDump.Number(e["Section"])), where);
            });
            if (symbol.NameOffset != 0)
            {
                Assert.That(table.TryFind(symbol.Name, out var found), Is.True, where);
                Assert.That(found.Name, Is.EqualTo(symbol.Name));
            }

            i++;
        }
    }

    private static void CompareRelocations(ElfFile elf, ReadElfDump expected)
    {
        Assert.That(elf.RelocationTables.Select(t => t.Section.Index), Is.EquivalentTo(expected.Relocations.Keys), "relocation sections");
        foreach (var table in elf.RelocationTables)
        {
            var e = expected.Relocations[table.Section.Index];
            Assert.That(table.Count, Is.EqualTo(e.Count), table.Section.Name);
            Assert.That(table.HasAddends, Is.EqualTo(table.Section.Type == ElfSectionType.Rela));
            Assert.That(table.TargetSection?.Index ?? 0, Is.EqualTo((int)table.Section.Info));
            Assert.That(elf.GetRelocationTable(table.Section), Is.SameAs(table));
            var i = 0;
            foreach (var relocation in table)
            {
                var where = $"{table.Section.Name}[{i}]";
                Assert.Multiple(() =>
                {
                    Assert.That(relocation.Offset, Is.EqualTo(ReadElfDump.Number(e[i]["Offset"])), where);
                    Assert.That(relocation.Type, Is.EqualTo(ReadElfDump.Number(e[i]["Type"])), where);
                    Assert.That(relocation.SymbolIndex, Is.EqualTo(ReadElfDump.Number(e[i]["Symbol"])), where);
                    Assert.That(relocation.Addend, Is.EqualTo(e[i].TryGetValue("Addend", out var addend) ? ReadElfDump.SignedNumber(addend) : 0), where);
                });
                var symbol = table.GetSymbol(relocation);
                if (relocation.SymbolIndex != 0)
                {
                    Assert.That(symbol.Index, Is.EqualTo((int)relocation.SymbolIndex), where);
                }

                i++;
            }
        }
    }
}
