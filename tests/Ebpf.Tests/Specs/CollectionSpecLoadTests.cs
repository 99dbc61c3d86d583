using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Tests.Specs;

/// <summary>Reading our own clang-built objects into collection specs, in both byte orders.</summary>
[TestFixture]
public sealed class CollectionSpecLoadTests
{
    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));

    public static IEnumerable<TestCaseData> ObjectNames() =>
        TestPrograms.All.Select(path => Path.GetFileName(path).Split('.')[0]).Distinct().Where(name => !TestPrograms.StaticallyLinked.Contains(name)).Select(name => new TestCaseData(name).SetArgDisplayNames(name));

    private static CollectionSpec Load(string name, bool bigEndian = false) => CollectionSpec.Load(TestPrograms.Path(name, bigEndian));

    [Test]
    public void TheTestObjectsWereBuilt() => Assert.That(TestPrograms.All, Is.Not.Empty);

    [TestCaseSource(nameof(Objects))]
    public void EveryObjectLoads(string file)
    {
        if (file.StartsWith("lone_text_noload.", StringComparison.Ordinal))
        {
            Assert.Pass("its program has no type on purpose: LoneTextFunctionTests");
        }

        if (file.StartsWith("unknown_sections_noload.", StringComparison.Ordinal))
        {
            Assert.Pass("its programs have no type on purpose: UnknownSectionTests");
        }

        var spec = CollectionSpec.Load(Path.Combine(TestPrograms.Directory, file));
        Assert.That(spec.Programs, Is.Not.Empty);
        Assert.That(spec.ByteOrder, Is.EqualTo(file.Contains(".bpfeb.") ? ByteOrder.BigEndian : ByteOrder.LittleEndian));
        Assert.That(spec.Types, Is.Not.Null);
        foreach (var program in spec.Programs.Values)
        {
            Assert.That(program.Instructions[0].Symbol, Is.EqualTo(program.Name));
            Assert.That(program.Type, Is.Not.EqualTo(BpfProgramType.Unspec), program.Name);
            Assert.That(program.License, Is.Not.Empty);
            Assert.That(program.Btf, Is.SameAs(spec.Types));
            Assert.That(program.Instructions.Count(i => i.Metadata?.Source is not null), Is.GreaterThan(0), "line info kept");
            foreach (var insn in program.Instructions)
            {
                if (insn.IsLoadFromMap)
                {
                    Assert.That(insn.Reference, Is.Not.Null, $"{program.Name}: {insn}");
                    Assert.That(spec.Maps.ContainsKey(insn.Reference!) || insn.Reference!.Length > 0, Is.True);
                }
            }
        }
    }

    [TestCaseSource(nameof(Objects))]
    public void StreamAndMemoryGiveTheSameSpec(string file)
    {
        string path = Path.Combine(TestPrograms.Directory, file);
        var fromPath = CollectionSpec.Load(path);
        using var stream = File.OpenRead(path);
        var fromStream = CollectionSpec.Load(stream);
        var fromMemory = CollectionSpec.Load(File.ReadAllBytes(path).AsMemory());
        AssertSameSpec(fromPath, fromStream, sameByteOrder: true);
        AssertSameSpec(fromPath, fromMemory, sameByteOrder: true);
    }

    [TestCaseSource(nameof(ObjectNames))]
    public void BothByteOrdersGiveEqualSpecs(string name) =>
        AssertSameSpec(Load(name), Load(name, bigEndian: true), sameByteOrder: false);

    [TestCaseSource(nameof(Objects))]
    public void ProgramsAreTheGlobalFunctionsOfCodeSections(string file)
    {
        if (file.StartsWith("lone_text_noload.", StringComparison.Ordinal))
        {
            Assert.Pass("its only function is in .text: LoneTextFunctionTests");
        }

        string path = Path.Combine(TestPrograms.Directory, file);
        var spec = CollectionSpec.Load(path);
        var expected = ObjdumpSymbols(path)
            .Where(s => s.Flags.Contains('F') && s.Section != ".text")
            .ToDictionary(s => s.Name, s => s.Section);
        Assert.That(spec.Programs.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (name, section) in expected)
        {
            var program = spec.Programs[name];
            Assert.That(program.SectionName, Is.EqualTo(section.TrimStart('?')), name); // libbpf forgets the "?" once autoload is off
            var match = ProgramSections.Match(section);
            Assert.That(program.Type, Is.EqualTo(match?.ProgramType ?? BpfProgramType.Unspec), name); // unknown names: no type, as libbpf
            if (program.Type != BpfProgramType.StructOps)
            {
                Assert.That(program.AttachType, Is.EqualTo(match?.ExpectedAttachType), name);
            }
            else
            {
                var ops = spec.Maps.Values.First(m => m.StructOps?.Programs.Values.Contains(name) == true);
                string member = ops.StructOps!.Programs.First(p => p.Value == name).Key;
                int index = ((Ebpf.Btf.BtfComposite)ops.Value!).Members.Select(m => m.Name).ToList().IndexOf(member);
                Assert.That(program.AttachType, Is.EqualTo((BpfAttachType)index), $"{name}: index of {member}, as libbpf sets it");
            }

            Assert.That(program.AttachTo, Is.EqualTo(match?.Target), name);
            Assert.That(program.Autoload, Is.EqualTo(!section.StartsWith('?')), name);
        }
    }

    [TestCaseSource(nameof(Objects))]
    public void DataSectionsGetSizesAndOffsetsLikeLibbpf(string file)
    {
        var spec = CollectionSpec.Load(Path.Combine(TestPrograms.Directory, file));
        foreach (var map in spec.Maps.Values.Where(m => m.IsGlobalData && m.Value is not null))
        {
            var datasec = (BtfDataSec)map.Value!;
            Assert.That(datasec.Size, Is.EqualTo(map.ValueSize), map.Name);
            Assert.That(datasec.Variables.Select(v => v.Offset), Is.Ordered, map.Name);
            foreach (var info in datasec.Variables)
            {
                var name = spec.Types!.GetTypeById(info.TypeId).Name;
                var variable = spec.Variables[name];
                Assert.That((variable.MapName, variable.Offset, variable.Size), Is.EqualTo((map.Name, (int)info.Offset, (int)info.Size)), name);
            }
        }

        foreach (var datasec in spec.Types!.Types.OfType<BtfDataSec>().Where(d => d.Name is ".maps" or "license"))
        {
            Assert.That(datasec.Size, Is.Not.Zero, datasec.Name);
        }
    }

    [Test]
    public void CallbacksAreLinkedIntoTheProgram()
    {
        var walk = Load("callbacks").Programs["walk"];
        var symbols = walk.Instructions.SymbolOffsets();
        Assert.That(symbols.Keys, Is.EquivalentTo(new[] { "walk", "sum_elem", "loop_step" }));
        var pointers = SlotsOf(walk.Instructions).Where(s => s.Instruction.IsLoadOfFunctionPointer).ToList();
        Assert.That(pointers.Select(p => p.Instruction.Reference), Is.EqualTo(new[] { "sum_elem", "loop_step" }));
        foreach (var (slot, insn) in pointers)
        {
            Assert.That(slot + 1 + insn.Immediate, Is.EqualTo(symbols[insn.Reference!]), insn.Reference);
            Assert.That(insn.Constant >> 32, Is.Zero);
        }

        var maps = walk.Instructions.Where(i => i.IsLoadFromMap).Select(i => ((byte)i.Src, i.Reference)).Distinct();
        Assert.That(maps, Is.EquivalentTo(new[] { (PseudoSource.MapFd, "values"), (PseudoSource.MapFd, "events") }));
    }

    [Test]
    public void SubprogramsAreAppendedToEveryCaller()
    {
        var spec = Load("maps_and_globals");
        foreach (var name in new[] { "count_getpid", "count_raw" })
        {
            var program = spec.Programs[name];
            var symbols = program.Instructions.SymbolOffsets();
            Assert.That(symbols.Keys, Is.EquivalentTo(new[] { name, "bump" }), name);
            var calls = SlotsOf(program.Instructions).Where(s => s.Instruction.IsFunctionCall).ToList();
            Assert.That(calls, Has.Count.EqualTo(1), name);
            Assert.That(calls[0].Slot + 1 + calls[0].Instruction.Immediate, Is.EqualTo(symbols["bump"]), name);
            Assert.That(program.Instructions.SlotCount, Is.GreaterThan(symbols["bump"]));
        }

        Assert.That(spec.Programs["count_raw"].Instructions.Last().IsExit, Is.True);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void GlobalDataBecomesMapsAndVariables(bool bigEndian)
    {
        var spec = Load("maps_and_globals", bigEndian);
        var rodata = spec.Maps[".rodata"];
        Assert.That(rodata.Type, Is.EqualTo(BpfMapType.Array));
        Assert.That((rodata.KeySize, rodata.ValueSize, rodata.MaxEntries), Is.EqualTo((4u, 4u, 1u)));
        Assert.That(rodata.Flags, Is.EqualTo(BpfMapFlags.RdonlyProg | BpfMapFlags.Mmapable));
        Assert.That(rodata.Freeze, Is.True);
        Assert.That(rodata.IsGlobalData, Is.True);
        Assert.That(rodata.Value, Is.InstanceOf<BtfDataSec>());
        Assert.That(rodata.Value!.Name, Is.EqualTo(".rodata"));
        Assert.That(spec.Maps[".data"].Flags, Is.EqualTo(BpfMapFlags.Mmapable));
        Assert.That(spec.Maps[".data"].Freeze, Is.False);
        Assert.That(spec.Maps[".bss"].Contents.Single().Value.ToArray(), Is.EqualTo(new byte[8]));

        Assert.That(spec.Variables.Keys, Is.EquivalentTo(new[] { "filter_pid", "seen", "last_ts" }));
        Assert.That(spec.Variables["filter_pid"].IsReadOnly, Is.True);
        Assert.That(spec.Variables["filter_pid"].MapName, Is.EqualTo(".rodata"));
        Assert.That(spec.Variables["last_ts"].Get<ulong>(), Is.EqualTo(1UL));
        Assert.That(spec.Variables["seen"].Type, Is.Not.Null);

        spec.Variables["filter_pid"].Set(1234u);
        var value = spec.Maps[".rodata"].Contents[0].Value.Span;
        Assert.That(bigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(value) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(value), Is.EqualTo(1234u), "variables share the map's buffer");

        var loads = spec.Programs["count_getpid"].Instructions.Where(i => i.IsLoadFromMap).Select(i => ((byte)i.Src, i.Reference, i.Constant)).ToList();
        Assert.That(loads, Is.EquivalentTo(new[]
        {
            (PseudoSource.MapValue, ".rodata", 0L),
            (PseudoSource.MapValue, ".bss", 0L),
            (PseudoSource.MapValue, ".data", 0L),
            (PseudoSource.MapFd, "totals", 0L),
            (PseudoSource.MapFd, "counts", 0L),
            (PseudoSource.MapFd, "counts", 0L),
        }));
    }

    [Test]
    public void CoreRelocationsAreTagged()
    {
        var spec = Load("core");
        var tagged = spec.Programs.Values.SelectMany(p => p.Instructions).Where(i => i.Metadata?.Tag is CoreRelocation).ToList();
        Assert.That(tagged, Is.Not.Empty);
    }

    internal static void AssertSameSpec(CollectionSpec a, CollectionSpec b, bool sameByteOrder)
    {
        Assert.That(b.Programs.Keys, Is.EquivalentTo(a.Programs.Keys));
        foreach (var (name, pa) in a.Programs)
        {
            var pb = b.Programs[name];
            Assert.That((pb.Type, pb.AttachType, pb.AttachTo, pb.Flags, pb.SectionName, pb.License, pb.KernelVersion, pb.Autoload),
                Is.EqualTo((pa.Type, pa.AttachType, pa.AttachTo, pa.Flags, pa.SectionName, pa.License, pa.KernelVersion, pa.Autoload)), name);
            Assert.That(pb.Instructions.SymbolOffsets().Keys, Is.EqualTo(pa.Instructions.SymbolOffsets().Keys), name);
            Assert.That(pb.Instructions.Select(i => i.Reference).Where(r => r is not null), Is.EqualTo(pa.Instructions.Select(i => i.Reference).Where(r => r is not null)), name);
            if (!sameByteOrder && !SameCode(pa.Instructions, pb.Instructions))
            {
                continue; // clang generated different code for the other byte order (byte swaps, packet loads)
            }

            Assert.That(pb.Instructions.Count, Is.EqualTo(pa.Instructions.Count), name);
            for (int i = 0; i < pa.Instructions.Count; i++)
            {
                var (x, y) = (pa.Instructions[i], pb.Instructions[i]);
                Assert.That((y.Symbol, y.Reference, y.Metadata?.Source?.Line, y.Metadata?.Tag?.ToString()), Is.EqualTo((x.Symbol, x.Reference, x.Metadata?.Source?.Line, x.Metadata?.Tag?.ToString())), $"{name}[{i}]");
                Assert.That(y, Is.EqualTo(x), $"{name}[{i}]");
            }
        }

        Assert.That(b.Maps.Keys, Is.EquivalentTo(a.Maps.Keys));
        foreach (var (name, ma) in a.Maps)
        {
            var mb = b.Maps[name];
            Assert.That((mb.Type, mb.KeySize, mb.ValueSize, mb.MaxEntries, mb.Flags, mb.Freeze, mb.SectionName, mb.Value?.Name, mb.Contents.Count),
                Is.EqualTo((ma.Type, ma.KeySize, ma.ValueSize, ma.MaxEntries, ma.Flags, ma.Freeze, ma.SectionName, ma.Value?.Name, ma.Contents.Count)), name);
        }

        Assert.That(b.Variables.Keys, Is.EquivalentTo(a.Variables.Keys));
        foreach (var (name, va) in a.Variables)
        {
            var vb = b.Variables[name];
            Assert.That((vb.MapName, vb.Offset, vb.Size, vb.IsReadOnly, vb.Type?.Name), Is.EqualTo((va.MapName, va.Offset, va.Size, va.IsReadOnly, va.Type?.Name)), name);
            if (sameByteOrder)
            {
                Assert.That(vb.Bytes.ToArray(), Is.EqualTo(va.Bytes.ToArray()), name);
            }
        }
    }

    // Same instructions apart from byte swaps, which differ between the byte orders by design.
    private static bool SameCode(Instructions a, Instructions b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First == p.Second || IsByteSwap(p.First) || IsByteSwap(p.Second));

    private static bool IsByteSwap(Instruction insn) => insn.OpCode.Class == InstructionClass.Alu && insn.OpCode.AluOp == AluOp.End;

    private static List<(int Slot, Instruction Instruction)> SlotsOf(Instructions instructions)
    {
        var result = new List<(int, Instruction)>();
        foreach (var slot in instructions.WithSlots())
        {
            result.Add((slot.SlotOffset, slot.Instruction));
        }

        return result;
    }

    /// <summary>The symbols <c>llvm-objdump -t</c> lists: name, flag characters, section.</summary>
    internal static List<(string Name, string Flags, string Section)> ObjdumpSymbols(string path)
    {
        var result = new List<(string, string, string)>();
        foreach (var line in ExternalTool.Run("llvm-objdump-14", "-t", path).Split('\n'))
        {
            // 0000000000000000 g     F xdp	00000000000000f0 xdp_first
            if (line.Length < 26 || !char.IsAsciiHexDigit(line[0]) || !line.Contains('\t'))
            {
                continue;
            }

            string flags = line.Substring(17, 7);
            string rest = line[25..];
            int tab = rest.IndexOf('\t');
            string section = rest[..tab];
            string name = rest[(tab + 1)..].Split(' ', 2)[1];
            result.Add((name, flags, section));
        }

        return result;
    }
}
