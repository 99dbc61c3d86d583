using System.Text.Json;
using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// BTF with kinds younger than the oldest supported kernel, loaded for real: each kind the kernel knows (its probe in
/// <see cref="Features"/>) reaches the kernel as written, each it lacks is rewritten as libbpf rewrites it, and the
/// program and map keep their BTF (ids, func and line info) either way. The kernel's copy is read back with
/// <c>bpftool btf dump id</c>. On the development machine every kind is kept; on 5.10 in the VM
/// (<c>tests/vm/run.sh 5.10</c>) FLOAT, TYPE_TAG, ENUM64 and <c>?</c> sections are rewritten. (DECL_TAGs point at
/// types rather than being referenced by them, so the per-program and per-map BTF the SDK loads has none.)
/// </summary>
[Category("Kernel")]
public class BtfFallbackKernelTests
{
    [Test]
    public void AnObjectsProgramKeepsItsBtfWithTheKindsTheKernelKnows()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("btf_kinds")));
        var program = collection.Programs.Values.Single().Info();
        Assert.That(program.BtfId, Is.Not.Zero, "the program was loaded with BTF");
        Assert.That(program.FuncInfoCount, Is.Not.Zero, "func info kept");
        Assert.That(program.LineInfoCount, Is.Not.Zero, "line info kept");
        Assert.That(collection.Maps["shapes"].Info().BtfId, Is.Not.Zero, "the map was created with BTF");

        var kinds = KernelCopy(program.BtfId).Select(t => t.Kind).ToHashSet();
        AssertKept(kinds, BtfFeature.Float, "FLOAT");
        AssertKept(kinds, BtfFeature.TypeTag, "TYPE_TAG");
    }

    [Test]
    public void AMapKeepsItsBtfWithEnum64AndQuestionMarkSectionsWhereTheKernelKnowsThem()
    {
        var builder = new BtfBuilder();
        uint i = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        uint e64 = builder.Add(new BtfEnum64(0, "wide", 8, false, [new("WIDE_HIGH", unchecked((long)0xffff_ffff_0000_0000UL)), new("WIDE_LOW", 1)]));
        uint f = builder.Add(new BtfFloat(0, "double", 8));
        uint tagged = builder.AddPointer(builder.Add(new BtfTypeTag(0, "user", i)));
        uint value = builder.AddStruct("every_kind", 24, [new("e", e64, 0, 0), new("f", f, 64, 0), new("p", tagged, 128, 0)]);
        uint variable = builder.Add(new BtfVar(0, "custom_counter", i, BtfLinkage.Global));
        uint section = builder.Add(new BtfDataSec(0, "?.custom", 4, [new(variable, 0, 4)]));
        var btf = BtfSpec.Parse(builder.Marshal(BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian));

        using var structMap = Map.Create(new MapSpec
        {
            Name = "every_kind", Type = BpfMapType.Array, KeySize = 4, ValueSize = 24, MaxEntries = 1, Btf = btf, Key = btf[i], Value = btf[value],
        });
        uint structBtf = structMap.Info().BtfId;
        Assert.That(structBtf, Is.Not.Zero, "the map was created with BTF");
        var kinds = KernelCopy(structBtf).Select(t => t.Kind).ToHashSet();
        AssertKept(kinds, BtfFeature.Enum64, "ENUM64");
        AssertKept(kinds, BtfFeature.Float, "FLOAT");
        AssertKept(kinds, BtfFeature.TypeTag, "TYPE_TAG");

        using var sectionMap = Map.Create(new MapSpec
        {
            Name = "custom", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1, Btf = btf, Value = btf[section],
        });
        uint sectionBtf = sectionMap.Info().BtfId;
        Assert.That(sectionBtf, Is.Not.Zero, "the section map was created with BTF");
        var sections = KernelCopy(sectionBtf).Where(t => t.Kind == "DATASEC").Select(t => t.Name).ToList();
        string expected = Knows(BtfFeature.QuestionMarkDataSec) ? "?.custom" : "_.custom";
        TestContext.Out.WriteLine($"DATASEC ?.custom reached the kernel as {string.Join(", ", sections)}");
        Assert.That(sections, Is.EqualTo(new[] { expected }));
    }

    private static void AssertKept(HashSet<string> kinds, BtfFeature feature, string kind)
    {
        bool knows = Knows(feature);
        TestContext.Out.WriteLine($"{kind}: the kernel {(knows ? "knows it; kept" : "lacks it; rewritten")}");
        Assert.That(kinds.Contains(kind), Is.EqualTo(knows), $"{kind} in the kernel's copy of the BTF");
    }

    private static bool Knows(BtfFeature feature)
    {
        try
        {
            Features.Default.HaveBtfFeature(feature);
            return true;
        }
        catch (EbpfNotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The kernel's copy of a loaded BTF object (kind and name of each type), as bpftool reads it.</summary>
    private static List<(string Kind, string Name)> KernelCopy(uint btfId)
    {
        string output = ExternalTool.Run("bpftool", "-j", "btf", "dump", "id", btfId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // bpftool 7.1 on kernels before 5.11 puts an error object for BTF_OBJ_GET_INFO (E2BIG: its bpf_btf_info is
        // larger than theirs) in front of the types.
        using var json = JsonDocument.Parse(output[output.IndexOf("{\"types\":", StringComparison.Ordinal)..]);
        return json.RootElement.GetProperty("types").EnumerateArray()
            .Select(t => (t.GetProperty("kind").GetString()!, t.GetProperty("name").GetString()!))
            .ToList();
    }
}
