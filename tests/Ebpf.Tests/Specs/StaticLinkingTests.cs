using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Tests.Specs;

/// <summary>
/// tests/bpf/linked/linked_a.bpf.c and linked_b.bpf.c linked by libbpf's static linker (<c>bpftool gen object</c>)
/// into linked.bpfel.o: a strong function replaces a weak one, externs resolve across the objects. libbpf before 1.5
/// links only host-order objects, so there is no bpfeb build.
/// </summary>
[TestFixture]
public sealed class StaticLinkingTests
{
    private static CollectionSpec Load() => CollectionSpec.Load(TestPrograms.Path("linked"));

    [Test]
    public void ProgramsOfBothObjectsAreRead()
    {
        var spec = Load();
        Assert.That(spec.Programs.Keys, Is.EquivalentTo(new[] { "linked_xdp", "linked_tc" }));
        Assert.That(spec.Programs["linked_tc"].License, Is.EqualTo("GPL"), "the license of linked_a applies to the whole object");
        var functions = spec.Programs["linked_xdp"].Instructions.SymbolOffsets().OrderBy(kv => kv.Value).Select(kv => kv.Key);
        Assert.That(functions, Is.EquivalentTo(new[] { "linked_xdp", "choose", "add_from_b", "local_b", "keep_weak" }), "clang folded local_a(2) away");
        Assert.That(functions.First(), Is.EqualTo("linked_xdp")); // the order libbpf links them in: CollectionSpecLibbpfLinkingTests
    }

    [Test]
    public void TheStrongFunctionReplacesTheWeakOne()
    {
        var spec = Load();
        foreach (var program in spec.Programs.Values)
        {
            var choose = Body(program.Instructions, "choose");
            Assert.That(choose.Select(i => i.Immediate), Does.Contain(2).And.Not.Contain(100), program.Name);
        }

        var keepWeak = Body(spec.Programs["linked_xdp"].Instructions, "keep_weak");
        Assert.That(keepWeak.Select(i => i.Immediate), Does.Contain(1000), "a weak function nobody overrides stays");
    }

    [Test]
    public void ExternVariablesAndMapsResolveToOneDefinition()
    {
        var spec = Load();
        Assert.That(spec.Maps.Keys, Is.EquivalentTo(new[] { "linked_results", ".data", ".rodata" }));
        Assert.That(spec.Variables["linked_counter"].Get<int>(), Is.EqualTo(5));
        Assert.That(spec.Variables["linked_rodata"].Get<int>(), Is.EqualTo(7));
        Assert.That(spec.Variables["linked_weak_var"].Get<int>(), Is.EqualTo(2), "the strong variable wins");

        // The merged .data DATASEC has each variable at its symbol's offset, as libbpf lays it out.
        var datasec = spec.Types!.FindTypes(".data", BtfKind.DataSec).OfType<BtfDataSec>().Single();
        var offsets = datasec.Variables.ToDictionary(v => ((BtfVar)spec.Types.GetTypeById(v.TypeId)).Name, v => v.Offset);
        Assert.That(offsets["linked_counter"], Is.EqualTo((uint)spec.Variables["linked_counter"].Offset));
        Assert.That(offsets["linked_weak_var"], Is.EqualTo((uint)spec.Variables["linked_weak_var"].Offset));
        Assert.That(datasec.Size, Is.EqualTo(spec.Maps[".data"].ValueSize));

        var loads = spec.Programs["linked_xdp"].Instructions.Where(i => i.IsLoadFromMap).Select(i => (i.Reference, i.Constant >> 32)).ToList();
        Assert.That(loads, Does.Contain(("linked_results", 0L)));
        Assert.That(loads, Does.Contain((".data", (long)spec.Variables["linked_weak_var"].Offset)));
    }

    [Test]
    public void StaticFunctionsOfOneNameAreToldApartBySectionAndOffset()
    {
        // linked_statics: tests/bpf/linked/statics_a.bpf.c and statics_b.bpf.c each define a static `helper`.
        var spec = CollectionSpec.Load(TestPrograms.Path("linked_statics"));
        Assert.That(spec.Programs.Keys, Is.EquivalentTo(new[] { "statics_a", "statics_b", "statics_both" }));
        Assert.Multiple(() =>
        {
            var a = Body(spec.Programs["statics_a"].Instructions, "helper").Select(i => i.Immediate).ToList();
            Assert.That(a, Does.Contain(1000).And.Not.Contain(2000), "statics_a calls unit a's helper");
            var b = Body(spec.Programs["statics_b"].Instructions, "helper").Select(i => i.Immediate).ToList();
            Assert.That(b, Does.Contain(2000).And.Not.Contain(1000), "statics_b calls unit b's helper");
            Assert.That(spec.Programs["statics_a"].Instructions.SymbolOffsets().Keys, Is.EquivalentTo(new[] { "statics_a", "helper" }));
            Assert.That(spec.Programs["statics_b"].Instructions.SymbolOffsets().Keys, Is.EquivalentTo(new[] { "statics_b", "helper" }));

            // statics_both reaches both helpers: the second keeps its place in the object as its name.
            var both = spec.Programs["statics_both"].Instructions;
            var functions = both.SymbolOffsets().OrderBy(kv => kv.Value).Select(kv => kv.Key).ToList();
            Assert.That(functions, Has.Count.EqualTo(4));
            Assert.That(functions.Take(3), Is.EqualTo(new[] { "statics_both", "helper", "call_b_helper" }), "libbpf's order: depth first, by first reference");
            Assert.That(functions[3], Does.Match(@"^helper@\.text\+0x[0-9a-f]+$"));
            Assert.That(Body(both, "helper").Select(i => i.Immediate), Does.Contain(1000).And.Not.Contain(2000));
            Assert.That(Body(both, functions[3]).Select(i => i.Immediate), Does.Contain(2000).And.Not.Contain(1000));
        });
    }

    [Test]
    [Category("Kernel")]
    public void StaticFunctionsOfOneNameLinkAsLibbpfLinksThem()
    {
        if (Ebpf.Tests.Asm.KernelTools.Unavailable() is { } reason)
        {
            Assert.Ignore(reason);
        }

        string path = TestPrograms.Path("linked_statics");
        var spec = CollectionSpec.Load(path);
        var (opened, _) = LibbpfObjects.Open(path);
        Assert.That(
            spec.Programs.Values.Select(p => (p.Name, p.SectionName, (uint)p.Type)),
            Is.EquivalentTo(opened.Select(p => (p.Name, (string?)p.SectionName, p.Type))));
        var loaded = LibbpfObjects.LoadInstructions(path);
        Assert.That(loaded.Keys, Is.EquivalentTo(spec.Programs.Keys));
        Assert.That(LinkedInstructionDifference.Find(spec, loaded), Is.Empty);
    }

    [Test]
    public void UnitsThatEachIncludeTheEventBufferHeaderShareOneWeakHeap()
    {
        // linked_buffer: tests/bpf/linked/buffer_a.bpf.c and buffer_b.bpf.c each include ebpf/buffer.bpf.h, whose
        // ebpf_buffer_heap is __weak: libbpf's linker keeps one (two strong ones are a "conflicting non-weak symbol").
        string path = TestPrograms.Path("linked_buffer");
        var spec = CollectionSpec.Load(path);
        Assert.That(spec.Maps.Keys, Is.EquivalentTo(new[] { "events_a", "events_b", "ebpf_buffer_heap", ".rodata" }));
        Assert.That(spec.Variables.Keys, Is.SupersetOf(new[] { "ebpf_buffer__events_a", "ebpf_buffer__events_b" }));
        foreach (var program in new[] { "emit_a", "emit_b" })
        {
            var references = spec.Programs[program].Instructions.Where(i => i.IsLoadFromMap).Select(i => i.Reference).ToHashSet();
            Assert.That(references, Does.Contain("ebpf_buffer_heap").And.Contain(program == "emit_a" ? "events_a" : "events_b"), program);
        }

        var libbpf = LibbpfObject.TryOpen(path, out string error) ?? throw new AssertionException($"libbpf cannot open linked_buffer: {error}");
        var theirs = libbpf.Maps.Where(m => !m.Internal).ToList();
        Assert.That(theirs.Select(m => m.Name), Is.EquivalentTo(new[] { "events_a", "events_b", "ebpf_buffer_heap" }), "libbpf sees the same maps");
        foreach (var their in theirs)
        {
            Assert.That(LibbpfMapShape.Of(spec.Maps[their.Name]), Is.EqualTo(their.Shape), their.Name);
        }
    }

    [Test]
    [Category("Kernel")]
    public void UnitsSharingTheWeakHeapLinkAsLibbpfLinksThem()
    {
        if (Ebpf.Tests.Asm.KernelTools.Unavailable() is { } reason)
        {
            Assert.Ignore(reason);
        }

        string path = TestPrograms.Path("linked_buffer");
        var spec = CollectionSpec.Load(path);
        var loaded = LibbpfObjects.LoadInstructions(path);
        Assert.That(loaded.Keys, Is.EquivalentTo(spec.Programs.Keys));
        Assert.That(LinkedInstructionDifference.Find(spec, loaded), Is.Empty);
    }

    private static List<Instruction> Body(IEnumerable<Instruction> instructions, string function)
    {
        var body = new List<Instruction>();
        bool inside = false;
        foreach (var insn in instructions)
        {
            if (insn.Symbol is not null)
            {
                inside = insn.Symbol == function;
            }

            if (inside)
            {
                body.Add(insn);
            }
        }

        Assert.That(body, Is.Not.Empty, function);
        return body;
    }
}
