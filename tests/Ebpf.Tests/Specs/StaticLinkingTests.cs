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
