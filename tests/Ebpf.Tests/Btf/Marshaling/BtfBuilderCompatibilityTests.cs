using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Btf;

/// <summary>The rewrites of <see cref="BtfMarshalOptions"/>: each yields BTF that parses and lacks what it removes.</summary>
public class BtfBuilderCompatibilityTests
{
    private static readonly string[] Programs = ["atomics", "callbacks", "maps_and_globals", "packet"];

    /// <summary>A builder holding every BTF kind, with a global func, a signed enum and a <c>?</c> section.</summary>
    public static BtfBuilder EveryKind()
    {
        var b = new BtfBuilder();
        uint i = b.AddInt("int", 4, BtfIntEncoding.Signed);
        uint ptr = b.AddPointer(i);
        uint arr = b.AddArray(i, i, 4);
        uint s = b.AddStruct("s", 24, [new("a", i, 0, 0), new("bits", i, 32, 3), new("arr", arr, 64, 0)]);
        b.AddUnion("u", 8, [new("p", ptr, 0, 0), new("i", i, 0, 0)]);
        b.Add(new BtfEnum(0, "e", 4, true, [new("E_NEG", -1), new("E_POS", 1)]));
        b.Add(new BtfEnum64(0, "e64", 8, false, [new("BIG", unchecked((long)0xffff_ffff_0000_0000UL)), new("SMALL", 2)]));
        b.AddForward("fwd");
        b.AddForward("fwd_union", isUnion: true);
        uint td = b.AddTypedef("int_t", i);
        b.Add(new BtfVolatile(0, "", td));
        uint c = b.Add(new BtfConst(0, "", td));
        b.Add(new BtfRestrict(0, "", ptr));
        uint proto = b.Add(new BtfFuncProto(0, "", i, [new("ctx", ptr), new("", c)]));
        uint func = b.Add(new BtfFunc(0, "prog", proto, BtfLinkage.Global));
        b.Add(new BtfFunc(0, "helper", proto, BtfLinkage.Static));
        uint v1 = b.Add(new BtfVar(0, "counter", i, BtfLinkage.Global));
        uint v2 = b.Add(new BtfVar(0, "table", s, BtfLinkage.Static));
        b.Add(new BtfDataSec(0, ".data.rel", 28, [new(v1, 0, 4), new(v2, 4, 24)]));
        b.Add(new BtfDataSec(0, "?.bss", 4, [new(v1, 0, 4)]));
        b.Add(new BtfFloat(0, "double", 8));
        b.Add(new BtfDeclTag(0, "user", func, -1));
        b.Add(new BtfDeclTag(0, "arg_tag", func, 0));
        b.Add(new BtfTypeTag(0, "rcu", s));
        return b;
    }

    private static IEnumerable<TestCaseData> Rewrites()
    {
        yield return new TestCaseData(new BtfMarshalOptions { StripFuncLinkage = true }, Array.Empty<BtfKind>()).SetArgDisplayNames("StripFuncLinkage");
        yield return new TestCaseData(new BtfMarshalOptions { ReplaceFunctions = true }, new[] { BtfKind.Func, BtfKind.FuncProto }).SetArgDisplayNames("ReplaceFunctions");
        yield return new TestCaseData(new BtfMarshalOptions { ReplaceDataSections = true }, new[] { BtfKind.Var, BtfKind.DataSec }).SetArgDisplayNames("ReplaceDataSections");
        yield return new TestCaseData(new BtfMarshalOptions { ReplaceQuestionMarkSectionNames = true }, Array.Empty<BtfKind>()).SetArgDisplayNames("ReplaceQuestionMarkSectionNames");
        yield return new TestCaseData(new BtfMarshalOptions { ReplaceFloats = true }, new[] { BtfKind.Float }).SetArgDisplayNames("ReplaceFloats");
        yield return new TestCaseData(new BtfMarshalOptions { ReplaceDeclTags = true }, new[] { BtfKind.DeclTag }).SetArgDisplayNames("ReplaceDeclTags");
        yield return new TestCaseData(new BtfMarshalOptions { ReplaceTypeTags = true }, new[] { BtfKind.TypeTag }).SetArgDisplayNames("ReplaceTypeTags");
        yield return new TestCaseData(new BtfMarshalOptions { ReplaceEnum64 = true }, new[] { BtfKind.Enum64 }).SetArgDisplayNames("ReplaceEnum64");
        yield return new TestCaseData(
            BtfMarshalOptions.Oldest,
            new[] { BtfKind.Func, BtfKind.FuncProto, BtfKind.Var, BtfKind.DataSec, BtfKind.Float, BtfKind.DeclTag, BtfKind.TypeTag, BtfKind.Enum64 })
            .SetArgDisplayNames("Oldest");
    }

    [TestCaseSource(nameof(Rewrites))]
    public void RewriteOfEveryKindParsesWithoutTheForbiddenKinds(BtfMarshalOptions options, BtfKind[] forbidden)
    {
        var builder = EveryKind();
        foreach (var order in new[] { ByteOrder.LittleEndian, ByteOrder.BigEndian })
        {
            var spec = BtfSpec.Parse(builder.Marshal(order, options));
            AssertRewritten(spec, options, forbidden, builder.TypeCount);
        }

        // The builder itself is unchanged: marshaling again without options gives every kind back.
        var plain = BtfSpec.Parse(builder.Marshal(ByteOrder.LittleEndian));
        Assert.That(plain.Types.Select(t => t.Kind).Distinct().Count(), Is.EqualTo(19));
    }

    [Test]
    public void RewritesFollowLibbpf()
    {
        var spec = BtfSpec.Parse(EveryKind().Marshal(ByteOrder.LittleEndian, BtfMarshalOptions.Oldest));
        string dump = BtfRawDumper.Dump(spec);
        TestContext.Out.WriteLine(dump);

        var section = (BtfStruct)spec[spec.FindIds("_data_rel", BtfKind.Struct).Single()];
        Assert.That(section.Size, Is.EqualTo(28));
        Assert.That(section.Members.Select(m => (m.Name, m.BitOffset)), Is.EqualTo(new[] { ("counter", 0u), ("table", 32u) }));
        Assert.That(spec.FindIds("__bss", BtfKind.Struct), Has.Count.EqualTo(1));
        Assert.That(spec[section.Members[0].TypeId], Is.InstanceOf<BtfInt>().With.Property(nameof(BtfInt.Size)).EqualTo(1u));

        var proto = (BtfEnum)spec[spec.FindIds("prog", BtfKind.Typedef).Select(id => ((BtfTypedef)spec[id]).TypeId).Single()];
        Assert.That(proto.Size, Is.EqualTo(4));
        Assert.That(proto.Values.Select(v => v.Name), Is.EqualTo(new[] { "ctx", "" }));

        uint placeholder = spec.FindIds("enum64_placeholder", BtfKind.Int).Single();
        Assert.That(placeholder, Is.EqualTo(spec.LastTypeId));
        var e64 = (BtfUnion)spec[spec.FindIds("e64", BtfKind.Union).Single()];
        Assert.That(e64.Size, Is.EqualTo(8));
        Assert.That(e64.Members.Select(m => (m.Name, m.TypeId, m.BitOffset)), Is.EqualTo(new[] { ("BIG", placeholder, 0u), ("SMALL", placeholder, 0u) }));
        Assert.That(((BtfEnum)spec[spec.FindIds("e", BtfKind.Enum).Single()]).IsSigned, Is.False);

        var floatStruct = spec.Types.OfType<BtfStruct>().Single(t => t.Name.Length == 0 && t.Size == 8 && t.Members.Count == 0);
        Assert.That(floatStruct, Is.Not.Null);
        Assert.That(spec.Types.OfType<BtfConst>().Count(), Is.EqualTo(2), "the const and the type tag");
        Assert.That(spec.FindIds("user", BtfKind.Int), Has.Count.EqualTo(1));
    }

    [Test]
    public void FuncLinkageIsStrippedOnlyWhenFunctionsStay()
    {
        var spec = BtfSpec.Parse(EveryKind().Marshal(ByteOrder.LittleEndian, new BtfMarshalOptions { StripFuncLinkage = true }));
        var linkages = spec.Types.OfType<BtfFunc>().Select(f => f.Linkage).ToArray();
        Assert.That(linkages, Has.Length.EqualTo(2));
        Assert.That(linkages, Is.All.EqualTo(BtfLinkage.Static));
    }

    [TestCaseSource(nameof(Rewrites))]
    public void RewriteOfTestProgramsParses(BtfMarshalOptions options, BtfKind[] forbidden)
    {
        foreach (string program in Programs)
        {
            var source = BtfSpec.Parse(ObjectBtf.Section(program));
            var builder = new BtfBuilder();
            builder.AddAll(source);
            AssertRewritten(BtfSpec.Parse(builder.Marshal(ByteOrder.BigEndian, options)), options, forbidden, builder.TypeCount);
        }
    }

    [Test]
    public void OldestRewriteOfKernelVmlinuxParses()
    {
        var source = BtfSpec.Parse(BtfTestData.KernelBytes());
        var builder = new BtfBuilder();
        builder.AddAll(source);
        var spec = BtfSpec.Parse(builder.Marshal(ByteOrder.LittleEndian, BtfMarshalOptions.Oldest));
        AssertRewritten(spec, BtfMarshalOptions.Oldest, [BtfKind.Func, BtfKind.FuncProto, BtfKind.Var, BtfKind.DataSec, BtfKind.Float, BtfKind.DeclTag, BtfKind.TypeTag, BtfKind.Enum64], builder.TypeCount);
        _ = BtfRawDumper.Dump(spec);
    }

    private static void AssertRewritten(BtfSpec spec, BtfMarshalOptions options, BtfKind[] forbidden, int typeCount)
    {
        var kinds = spec.Types.Select(t => t.Kind).ToHashSet();
        Assert.That(kinds.Intersect(forbidden), Is.Empty);
        int placeholders = spec.FindIds("enum64_placeholder").Count;
        Assert.That(spec.TypeCount, Is.EqualTo(typeCount + placeholders));
        if (options.StripFuncLinkage)
        {
            Assert.That(spec.Types.OfType<BtfFunc>().Where(f => f.Linkage != BtfLinkage.Static), Is.Empty);
        }

        if (options.ReplaceQuestionMarkSectionNames)
        {
            Assert.That(spec.Types.OfType<BtfDataSec>().Where(d => d.Name.StartsWith('?')), Is.Empty);
        }

        if (options.ReplaceEnum64)
        {
            Assert.That(spec.Types.OfType<BtfEnum>().Where(e => e.IsSigned), Is.Empty);
        }
        else
        {
            Assert.That(placeholders, Is.Zero);
        }
    }
}
