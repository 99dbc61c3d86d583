using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Tests.Btf;

public class BtfExtTests
{
    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));

    // The static linker drops DWARF, so objdump has no lines to compare with.
    public static IEnumerable<TestCaseData> ObjectsWithDwarf() =>
        TestPrograms.All.Where(TestPrograms.HasDwarf)
            .Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));

    private static (ElfFile Elf, BtfSpec Btf, BtfExtInfo Ext) Load(string file)
    {
        var elf = ElfFile.Parse(File.ReadAllBytes(Path.Combine(TestPrograms.Directory, file)));
        var btf = BtfSpec.FromElf(elf);
        var ext = BtfExtInfo.FromElf(elf, btf);
        Assert.That(ext, Is.Not.Null, "no .BTF.ext");
        return (elf, btf, ext!);
    }

    [TestCaseSource(nameof(Objects))]
    public void FuncInfoPointsAtTheFunctionSymbols(string file)
    {
        var (elf, btf, ext) = Load(file);
        Assert.That(ext.Header.Version, Is.EqualTo(1));
        Assert.That(ext.ByteOrder, Is.EqualTo(btf.ByteOrder));
        Assert.That(ext.FuncInfos, Is.Not.Empty);
        int checkedCount = 0;
        foreach (var (section, records) in ext.FuncInfos)
        {
            var elfSection = elf.FindSection(section);
            Assert.That(elfSection, Is.Not.Null, section);
            var functions = elf.Symbols
                .Where(s => s.Type == ElfSymbolType.Function && s.SectionIndex == (uint)elfSection!.Index)
                .ToDictionary(s => s.Value, s => s.Name);
            IEnumerable<FuncInfo> symbolRecords = records;
            if (TestPrograms.IsStaticallyLinked(file))
            {
                // A replaced weak function keeps its record; a symbol of the same name is now the strong one.
                Assert.That(records.Select(r => (ulong)r.ByteOffset), Is.SupersetOf(functions.Keys), section);
                var replaced = records.Where(r => !functions.ContainsKey(r.ByteOffset)).Select(r => btf.GetTypeById(r.TypeId).Name);
                Assert.That(replaced, Is.SubsetOf(elf.Symbols.Where(s => s.Type == ElfSymbolType.Function).Select(s => s.Name)), section);
                symbolRecords = records.Where(r => functions.ContainsKey(r.ByteOffset));
            }
            else
            {
                Assert.That(records.Select(r => (ulong)r.ByteOffset), Is.EquivalentTo(functions.Keys), section);
            }

            foreach (var record in symbolRecords)
            {
                var type = btf.GetTypeById(record.TypeId);
                Assert.That(type, Is.InstanceOf<BtfFunc>(), $"{section}+{record.ByteOffset}");
                Assert.That(type.Name, Is.EqualTo(functions[record.ByteOffset]));
                checkedCount++;
            }
        }

        Assert.That(checkedCount, Is.GreaterThan(0));
    }

    [TestCaseSource(nameof(ObjectsWithDwarf))]
    public void LineInfoMatchesObjdumpSourceLines(string file)
    {
        var (elf, _, ext) = Load(file);
        var dwarf = ObjdumpLines.Read(Path.Combine(TestPrograms.Directory, file));
        int matched = 0;
        foreach (var (section, records) in ext.LineInfos)
        {
            var starts = ext.FuncInfosOf(section).ToDictionary(f => f.Slot, f => ext.Btf.GetTypeById(f.TypeId).Name);
            foreach (var record in records)
            {
                Assert.That(record.FileName, Does.EndWith(".bpf.c").Or.EndWith(".h")); // a test source or a header it includes
                if (record.Line == 0)
                {
                    continue; // compiler-generated code with no source line
                }

                string[] source = File.ReadAllLines(record.FileName);
                Assert.That(source[record.Line - 1], Is.EqualTo(record.Text), $"{section}+{record.ByteOffset} line {record.Line}");
                Assert.That(dwarf.TryGetValue((section, record.Slot), out var expected), Is.True, $"objdump has no line for {section}:{record.Slot}");
                if (starts.TryGetValue(record.Slot, out string? function) && record.Line != expected.Line)
                {
                    // At a function's entry BTF may also give the line of its declaration, where DWARF gives the body's.
                    Assert.That(record.Text, Does.Contain(function + "("), $"{section}:{record.Slot}");
                    continue;
                }

                Assert.That((record.FileName, record.Line), Is.EqualTo(expected), $"{section}:{record.Slot}");
                matched++;
            }

            // every function (program or subprogram) starts with a line record
            foreach (var func in ext.FuncInfosOf(section))
            {
                Assert.That(records.Any(r => r.Slot == func.Slot), Is.True, $"{section}: no line record at {func.Slot}");
            }
        }

        Assert.That(matched, Is.GreaterThan(0));
        _ = elf;
    }

    [TestCaseSource(nameof(Objects))]
    public void ApplySetsSourceLinesOnTheSectionInstructions(string file)
    {
        var (elf, btf, ext) = Load(file);
        foreach (string section in ext.SectionNames)
        {
            var instructions = Instructions.Decode(elf.FindSection(section)!.Data.Span, btf.ByteOrder);
            var annotations = ext.Apply(section, instructions);
            Assert.That(annotations.Lines, Has.Count.EqualTo(ext.LineInfosOf(section).Count));
            Assert.That(annotations.Functions, Has.Count.EqualTo(ext.FuncInfosOf(section).Count));
            Assert.That(annotations.CoreRelocations, Has.Count.EqualTo(ext.CoreRelocationsOf(section).Count));
            foreach (var (index, line) in annotations.Lines)
            {
                Assert.That(instructions.SlotOffsetOf(index), Is.EqualTo(line.Slot));
                Assert.That(instructions[index].Metadata?.Source, Is.EqualTo(new SourceLine(line.FileName, line.Text, line.Line, line.Column)));
            }

            foreach (var (index, function) in annotations.Functions)
            {
                Assert.That(instructions[index].Symbol, Is.EqualTo(btf.GetTypeById(function.TypeId).Name));
            }

            foreach (var (index, relocation) in annotations.CoreRelocations)
            {
                Assert.That(instructions[index].Metadata?.Tag, Is.SameAs(relocation));
            }

            // only the instructions with line records carry a source line
            Assert.That(instructions.Count(i => i.Metadata?.Source is not null), Is.EqualTo(annotations.Lines.Count));
        }
    }

    [Test]
    public void BothByteOrdersDecodeTheSameRecords()
    {
        foreach (var name in TestPrograms.All.Where(p => p.EndsWith(".bpfel.o", StringComparison.Ordinal) && TestPrograms.HasSameCodeInBothByteOrders(p)))
        {
            var (_, _, little) = Load(Path.GetFileName(name));
            var (_, _, big) = Load(Path.GetFileName(name).Replace(".bpfel.o", ".bpfeb.o", StringComparison.Ordinal));
            Assert.That(big.ByteOrder, Is.EqualTo(ByteOrder.BigEndian));
            Assert.That(little.ByteOrder, Is.EqualTo(ByteOrder.LittleEndian));
            Assert.That(big.Header.HeaderLength, Is.EqualTo(little.Header.HeaderLength), name);
            Assert.That(big.SectionNames, Is.EqualTo(little.SectionNames), name);
            foreach (var section in little.SectionNames)
            {
                Assert.That(big.FuncInfosOf(section), Is.EqualTo(little.FuncInfosOf(section)), name);
                if (big.Header == little.Header)
                {
                    // clang schedules some programs differently for bpfeb; compare lines where the layouts agree
                    Assert.That(big.LineInfosOf(section), Is.EqualTo(little.LineInfosOf(section)), name);
                }
                Assert.That(big.CoreRelocationsOf(section), Is.EqualTo(little.CoreRelocationsOf(section)), name);
            }
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void CoreObjectHasTheExpectedRelocations(bool bigEndian)
    {
        var (_, btf, ext) = Load(Path.GetFileName(TestPrograms.Path("core", bigEndian)));
        Assert.That(ext.Header.HeaderLength, Is.EqualTo(BtfExtHeader.CoreLength));
        Assert.That(ext.CoreRelocationRecordSize, Is.EqualTo(16));
        var records = ext.CoreRelocationsOf("raw_tracepoint/sys_enter")
            .Select(r => $"{r.Slot} {r.Kind} {Describe(btf, r.TypeId)} {r.AccessString}")
            .ToArray();
        TestContext.Out.WriteLine(string.Join("\n", records));
        Assert.That(records, Is.EqualTo(ExpectedCoreRelocations));
        Assert.That(ext.CoreRelocationsOf("raw_tracepoint/sys_enter").Select(r => r.Kind).Distinct().Count(), Is.EqualTo(12), "every kind but TypeMatches");
    }

    private static string Describe(BtfSpec btf, uint id)
    {
        var type = btf.GetTypeById(id);
        return $"{type.Kind}:{type.Name}";
    }

    // Hand-checked against tests/bpf/core.bpf.c and llvm-objdump -d: the local task_struct is { int pid; int tgid; unsigned flags; },
    // BPF_MAP_TYPE_HASH is bpf_map_type's enumerator 1; slots 27, 30, 33 and 36 are lddw.
    private static readonly string[] ExpectedCoreRelocations =
    [
        "3 FieldByteOffset Struct:task_struct 0:1",    // __builtin_preserve_access_index(&t->tgid), read with bpf_probe_read_kernel
        "10 FieldExists Struct:task_struct 0:0",       // bpf_core_field_exists(t->pid)
        "13 FieldByteSize Struct:task_struct 0:2",     // bpf_core_field_size(t->flags)
        "15 FieldByteOffset Struct:task_struct 0:2",   // bpf_core_field_offset(t->flags)
        "17 FieldSigned Struct:task_struct 0:0",       // BPF_FIELD_SIGNED of t->pid
        "19 FieldLShiftU64 Struct:task_struct 0:2",    // BPF_FIELD_LSHIFT_U64 of t->flags
        "21 FieldRShiftU64 Struct:task_struct 0:2",    // BPF_FIELD_RSHIFT_U64 of t->flags
        "24 TypeExists Struct:task_struct 0",
        "25 TypeSize Typedef:__u64 0",
        "27 TypeIdLocal Struct:task_struct 0",
        "30 TypeIdTarget Struct:task_struct 0",
        "33 EnumValueExists Enum:bpf_map_type 1",
        "36 EnumValue Enum:bpf_map_type 1",
    ];
}
