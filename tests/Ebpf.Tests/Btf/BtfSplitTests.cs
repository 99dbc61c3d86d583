using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

public class BtfSplitTests
{
    private static (BtfSpec Base, BtfSpec Split) TestModule()
    {
        var baseSpec = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf.base"));
        return (baseSpec, BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf"), baseSpec));
    }

    [Test]
    public void SplitIdsAndStringsContinueAfterTheBase()
    {
        var (baseSpec, split) = TestModule();
        Assert.That(split.Base, Is.SameAs(baseSpec));
        Assert.That(baseSpec.FirstTypeId, Is.EqualTo(1));
        Assert.That(split.FirstTypeId, Is.EqualTo(baseSpec.LastTypeId + 1));
        Assert.That(split.LastTypeId, Is.EqualTo(baseSpec.LastTypeId + (uint)split.TypeCount));
        Assert.That(split.StringOffsetBase, Is.EqualTo(baseSpec.Header.StringLength));
        Assert.That(split.Types.First().Id, Is.EqualTo(split.FirstTypeId));
        Assert.That(split.Types.Count(), Is.EqualTo(split.TypeCount));
        Assert.That(split.AllTypes.Count(), Is.EqualTo((int)split.LastTypeId));
    }

    [Test]
    public void SplitTypesResolveIntoTheBaseAndThemselves()
    {
        var (baseSpec, split) = TestModule();
        int intoBase = 0;
        int namedFromBaseStrings = 0;
        foreach (var type in split.Types)
        {
            foreach (uint reference in split.GetReferencedIds(type.Id))
            {
                var target = split.GetTypeById(reference);
                Assert.That(target.Id, Is.EqualTo(reference));
                if (reference != 0 && reference < split.FirstTypeId)
                {
                    intoBase++;
                    Assert.That(target, Is.SameAs(baseSpec.GetTypeById(reference)), "base types are shared, not copied");
                }
            }

            if (type.Name.Length > 0 && baseSpec.FindIds(type.Name).Count > 0)
            {
                namedFromBaseStrings++;
            }

            Assert.That(split.Walk(type.Id), Is.Unique);
            split.TryGetSize(type.Id, out _);
            split.TryGetAlignment(type.Id, out _);
            split.ResolveUnderlyingId(type.Id);
        }

        Assert.That(intoBase, Is.GreaterThan(0), "a module refers to its base's types");
        Assert.That(namedFromBaseStrings, Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void NameLookupSpansBaseAndSplit()
    {
        var (baseSpec, split) = TestModule();
        var fromBase = baseSpec.FindIds("bpf_map", BtfKind.Struct);
        Assert.That(fromBase, Has.Count.EqualTo(1));
        Assert.That(split.FindIds("bpf_map", BtfKind.Struct), Is.EqualTo(fromBase));

        var ctx = split.FindIds("bpf_testmod_ctx", BtfKind.Struct);
        Assert.That(ctx, Has.Count.EqualTo(1));
        Assert.That(ctx[0], Is.GreaterThanOrEqualTo(split.FirstTypeId));
        Assert.That(baseSpec.FindIds("bpf_testmod_ctx"), Is.Empty);
        var type = (BtfStruct)split.GetTypeById(ctx[0]);
        Assert.That(type.Name, Is.EqualTo("bpf_testmod_ctx"));
        Assert.That(split.GetSize(ctx[0]), Is.EqualTo(type.Size));
    }

    [Test]
    public void SyntheticSplitUsesBaseStringsAndIds()
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, (1u << 24) | 32);
        var baseBytes = b.Build();
        var baseSpec = BtfSpec.Parse(baseBytes);

        var s = new BtfBlobBuilder(split: true, stringBase: baseSpec.Header.StringLength);
        s.Type("", 2, 0, false, 1);                                          // 2: int * (base type)
        s.Type("pair", 4, 2, false, 16, s.Str("p"), 2, 0, 1 /* "int" from the base */, 1, 64); // 3
        var split = BtfSpec.Parse(s.Build(), baseSpec);

        Assert.That(split.FirstTypeId, Is.EqualTo(2));
        var pair = (BtfStruct)split[3];
        Assert.That(pair.Members[1].Name, Is.EqualTo("int"));
        Assert.That(split.ResolveUnderlying(2), Is.InstanceOf<BtfPointer>());
        Assert.That(split.GetAlignment(3), Is.EqualTo(8));
        Assert.That(split.FindIds("int"), Is.EqualTo(new uint[] { 1 }));
        Assert.That(BtfRawDumper.Dump(split), Is.EqualTo(
            "[2] PTR '(anon)' type_id=1\n[3] STRUCT 'pair' size=16 vlen=2\n\t'p' type_id=2 bits_offset=0\n\t'int' type_id=1 bits_offset=64\n"));
        Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(s.Build()), "without its base, the split refers to missing ids and strings");
    }
}
