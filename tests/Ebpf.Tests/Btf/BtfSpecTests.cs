using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

public class BtfSpecTests
{
    private static BtfSpec? _kernel;

    private static BtfSpec Kernel => _kernel ??= BtfSpec.Parse(BtfTestData.KernelBytes());

    [Test]
    public void FindsKernelTypesByNameAndKind()
    {
        var ids = Kernel.FindIds("task_struct", BtfKind.Struct);
        Assert.That(ids, Has.Count.EqualTo(1));
        var task = (BtfStruct)Kernel.GetTypeById(ids[0]);
        Assert.That(task.Name, Is.EqualTo("task_struct"));
        Assert.That(task.Members.Select(m => m.Name), Does.Contain("pid"));
        Assert.That(Kernel.GetSize(task.Id), Is.EqualTo(task.Size));
        Assert.That(Kernel[task.Id], Is.SameAs(task), "decoded types are cached");
        Assert.That(Kernel.FindIds("task_struct", BtfKind.Union), Is.Empty);
        Assert.That(Kernel.FindIds("no such type, surely"), Is.Empty);
        Assert.That(Kernel.FindIds("task_struct"), Does.Contain(ids[0]));
    }

    [Test]
    public void IgnoresFlavorSuffixesWhenAsked()
    {
        uint task = Kernel.FindIds("task_struct", BtfKind.Struct).Single();
        Assert.That(Kernel.FindIds("task_struct___v2", BtfKind.Struct), Is.Empty);
        Assert.That(Kernel.FindIds("task_struct___v2", BtfKind.Struct, ignoreFlavor: true), Does.Contain(task));
        Assert.That(BtfSpec.EssentialName("task_struct___old"), Is.EqualTo("task_struct"));
        Assert.That(BtfSpec.EssentialName("a___b___c"), Is.EqualTo("a___b"));
        Assert.That(BtfSpec.EssentialName("___GFP_DMA_BIT"), Is.EqualTo("___GFP_DMA_BIT"));
        Assert.That(BtfSpec.EssentialName("foo____bar"), Is.EqualTo("foo____bar"));
    }

    [Test]
    public void ComputesSizesAlignmentsAndUnderlyingTypes()
    {
        var spec = Kernel;
        uint u32 = spec.FindIds("__u32", BtfKind.Typedef).Single();
        var underlying = spec.ResolveUnderlying(u32);
        Assert.That(underlying, Is.InstanceOf<BtfInt>());
        Assert.That(underlying.Name, Is.EqualTo("unsigned int"));
        Assert.That(spec.ResolveUnderlyingId(u32, skipTypedefs: false), Is.EqualTo(u32));
        Assert.That(spec.GetSize(u32), Is.EqualTo(4));
        Assert.That(spec.GetAlignment(u32), Is.EqualTo(4));
        Assert.That(spec.PointerSize, Is.EqualTo(8));

        uint listHead = spec.FindIds("list_head", BtfKind.Struct).Single();
        Assert.That(spec.GetSize(listHead), Is.EqualTo(16));
        Assert.That(spec.GetAlignment(listHead), Is.EqualTo(8));

        Assert.That(spec.TryGetSize(0, out _), Is.False);
        Assert.Throws<InvalidOperationException>(() => spec.GetSize(0));
        uint func = spec.FindIds("schedule", BtfKind.Func).First();
        Assert.That(spec.TryGetSize(func, out _), Is.False);
        Assert.That(spec.TryGetAlignment(func, out _), Is.False);
    }

    [Test]
    public void EveryKernelTypeDecodesAndLaysOut()
    {
        var spec = Kernel;
        int sized = 0;
        foreach (var type in spec.Types)
        {
            Assert.That(spec.GetKind(type.Id), Is.EqualTo(type.Kind));
            Assert.That(spec.GetName(type.Id), Is.EqualTo(type.Name));
            if (spec.TryGetSize(type.Id, out long size) && spec.TryGetAlignment(type.Id, out int align))
            {
                Assert.That(align, Is.AnyOf(1, 2, 4, 8, 16, 32, 64), $"{type}");
                sized += size >= 0 ? 1 : 0;
            }
        }

        Assert.That(sized, Is.GreaterThan(spec.TypeCount / 4));
    }

    [Test]
    public void ConcurrentReadersSeeOneDecodedTypePerId()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        var seen = new BtfType[spec.LastTypeId + 1];
        Parallel.For(0, 4, worker =>
        {
            for (uint id = 1; id <= spec.LastTypeId; id += 7)
            {
                var type = spec.GetTypeById(id);
                Interlocked.CompareExchange(ref seen[id], type, null);
                Assert.That(spec.GetTypeById(id), Is.SameAs(seen[id]));
            }

            Assert.That(spec.FindIds("task_struct", BtfKind.Struct), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void WalksWithoutRevisitingAndFindsNestedTypes()
    {
        var spec = Kernel;
        uint task = spec.FindIds("task_struct", BtfKind.Struct).Single();
        var reached = spec.Walk(task).ToList();
        Assert.That(reached[0], Is.EqualTo(task));
        Assert.That(reached, Is.Unique);
        Assert.That(reached, Does.Contain(spec.FindIds("list_head", BtfKind.Struct).Single()));
        Assert.That(reached, Does.Not.Contain(0u));
        Assert.That(spec.GetReferencedIds(task), Has.Count.EqualTo(((BtfStruct)spec[task]).Members.Count));
    }

    [Test]
    public void DecodesEveryKind()
    {
        var b = new BtfBlobBuilder();
        int i32 = b.Type("int", 1, 0, false, 4, (1u << 24) | 32);                       // 1
        int ptr = b.Type("", 2, 0, false, 1);                                             // 2
        int arr = b.Type("", 3, 0, false, 0, 1, 1, 10);                                   // 3
        int st = b.Type("s", 4, 2, true, 8, b.Str("a"), 1, 0, b.Str("bits"), 1, (3u << 24) | 32); // 4
        int un = b.Type("u", 5, 1, false, 4, 0, 1, 0);                                     // 5
        int en = b.Type("e", 6, 2, true, 4, b.Str("NEG"), unchecked((uint)-5), b.Str("POS"), 7); // 6
        int fwd = b.Type("f", 7, 0, true, 0);                                              // 7
        int td = b.Type("t", 8, 0, false, 1);                                              // 8
        int vol = b.Type("", 9, 0, false, 1);                                              // 9
        int cst = b.Type("", 10, 0, false, 9);                                             // 10
        int rst = b.Type("", 11, 0, false, 2);                                             // 11
        int proto = b.Type("", 13, 3, false, 1, b.Str("x"), 1, 0, 2, 0, 0);                // 12
        int fn = b.Type("fn", 12, 2, false, 12);                                           // 13
        int var = b.Type("v", 14, 0, false, 1, 2);                                         // 14
        int sec = b.Type(".data", 15, 1, false, 4, 14, 0, 4);                              // 15
        int flt = b.Type("double", 16, 0, false, 8);                                       // 16
        int dtag = b.Type("tag", 17, 0, false, 4, 1);                                      // 17
        int ttag = b.Type("user", 18, 0, false, 1);                                        // 18
        int e64 = b.Type("e64", 19, 2, false, 8, b.Str("BIG"), 0, 0x80000000, b.Str("ONE"), 1, 0); // 19
        int e64s = b.Type("e64s", 19, 1, true, 8, b.Str("M1"), 0xffffffff, 0xffffffff);   // 20

        foreach (bool bigEndian in new[] { false, true })
        {
            var spec = BtfSpec.Parse(b.Build(bigEndian));
            Assert.That(spec.TypeCount, Is.EqualTo(20));
            var i = (BtfInt)spec[(uint)i32];
            Assert.That((i.Size, i.Encoding, i.BitOffset, i.Bits, i.IsSigned), Is.EqualTo((4u, BtfIntEncoding.Signed, (byte)0, (byte)32, true)));
            Assert.That(((BtfPointer)spec[(uint)ptr]).TypeId, Is.EqualTo(1));
            var a = (BtfArray)spec[(uint)arr];
            Assert.That((a.ElementTypeId, a.IndexTypeId, a.Count), Is.EqualTo((1u, 1u, 10u)));
            var s = (BtfStruct)spec[(uint)st];
            Assert.That(s.HasBitfieldEncoding, Is.True);
            Assert.That(s.Members, Is.EqualTo(new[] { new BtfMember("a", 1, 0, 0), new BtfMember("bits", 1, 32, 3) }));
            Assert.That(((BtfUnion)spec[(uint)un]).Members.Single(), Is.EqualTo(new BtfMember("", 1, 0, 0)));
            var e = (BtfEnum)spec[(uint)en];
            Assert.That(e.IsSigned, Is.True);
            Assert.That(e.Values, Is.EqualTo(new[] { new BtfEnumValue("NEG", -5), new BtfEnumValue("POS", 7) }));
            Assert.That(((BtfForward)spec[(uint)fwd]).IsUnion, Is.True);
            Assert.That(((BtfTypedef)spec[(uint)td]).TypeId, Is.EqualTo(1));
            Assert.That(((BtfVolatile)spec[(uint)vol]).TypeId, Is.EqualTo(1));
            Assert.That(((BtfConst)spec[(uint)cst]).TypeId, Is.EqualTo(9));
            Assert.That(((BtfRestrict)spec[(uint)rst]).TypeId, Is.EqualTo(2));
            var p = (BtfFuncProto)spec[(uint)proto];
            Assert.That(p.ReturnTypeId, Is.EqualTo(1));
            Assert.That(p.Parameters, Is.EqualTo(new[] { new BtfParameter("x", 1), new BtfParameter("", 2), new BtfParameter("", 0) }));
            Assert.That(p.IsVariadic, Is.True);
            var f = (BtfFunc)spec[(uint)fn];
            Assert.That((f.PrototypeId, f.Linkage), Is.EqualTo((12u, BtfLinkage.Extern)));
            var v = (BtfVar)spec[(uint)var];
            Assert.That((v.TypeId, v.Linkage), Is.EqualTo((1u, BtfLinkage.Extern)));
            var d = (BtfDataSec)spec[(uint)sec];
            Assert.That(d.Variables.Single(), Is.EqualTo(new BtfVarSecInfo(14, 0, 4)));
            Assert.That(((BtfFloat)spec[(uint)flt]).Size, Is.EqualTo(8));
            var dt = (BtfDeclTag)spec[(uint)dtag];
            Assert.That((dt.Name, dt.TypeId, dt.ComponentIndex), Is.EqualTo(("tag", 4u, 1)));
            Assert.That(((BtfTypeTag)spec[(uint)ttag]).TypeId, Is.EqualTo(1));
            var big = (BtfEnum64)spec[(uint)e64];
            Assert.That(big.Values[0].Value, Is.EqualTo(unchecked((long)0x8000000000000000UL)));
            Assert.That(((BtfEnum64)spec[(uint)e64s]).Values[0].Value, Is.EqualTo(-1));

            string dump = BtfRawDumper.Dump(spec);
            Assert.That(dump, Does.Contain("[4] STRUCT 's' size=8 vlen=2\n\t'a' type_id=1 bits_offset=0\n\t'bits' type_id=1 bits_offset=32 bitfield_size=3\n"));
            Assert.That(dump, Does.Contain("[6] ENUM 'e' encoding=SIGNED size=4 vlen=2\n\t'NEG' val=-5\n\t'POS' val=7\n"));
            Assert.That(dump, Does.Contain("\t'BIG' val=9223372036854775808ULL\n"));
            Assert.That(dump, Does.Contain("[20] ENUM64 'e64s' encoding=SIGNED size=8 vlen=1\n\t'M1' val=-1LL\n"));
            Assert.That(dump, Does.Contain("[13] FUNC 'fn' type_id=12 linkage=extern\n"));
            Assert.That(dump, Does.Contain("[14] VAR 'v' type_id=1, linkage=extern\n"));
            Assert.That(dump, Does.Contain("[15] DATASEC '.data' size=4 vlen=1\n\ttype_id=14 offset=0 size=4 (VAR 'v')\n"));
            Assert.That(dump, Does.Contain("[17] DECL_TAG 'tag' type_id=4 component_idx=1\n"));

            Assert.That(spec.GetSize((uint)arr), Is.EqualTo(40));
            Assert.That(spec.GetSize((uint)cst), Is.EqualTo(4));
            Assert.That(spec.GetSize((uint)var), Is.EqualTo(4), "size of the var's type");
            Assert.That(spec.GetAlignment((uint)st), Is.EqualTo(4));
            Assert.That(spec.ResolveUnderlyingId((uint)ttag), Is.EqualTo(1));
            Assert.That(spec.ResolveUnderlyingId((uint)cst), Is.EqualTo(1));
            Assert.That(spec.GetTypeById(0), Is.SameAs(BtfVoid.Instance));
            Assert.Throws<ArgumentOutOfRangeException>(() => spec.GetTypeById(21));
            Assert.That(spec.TryGetTypeById(21, out _), Is.False);
        }
    }

    [Test]
    public void PackedStructsAlignToOne()
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, (1u << 24) | 32);
        b.Type("packed", 4, 2, false, 5, b.Str("c"), 1, 0, b.Str("i"), 1, 8);
        b.Type("odd", 4, 1, false, 6, b.Str("i"), 1, 0);
        var spec = BtfSpec.Parse(b.Build());
        Assert.That(spec.GetAlignment(2), Is.EqualTo(1));
        Assert.That(spec.GetAlignment(3), Is.EqualTo(1));
    }

    [Test]
    public void CyclesAreReportedNotFollowedForever()
    {
        var b = new BtfBlobBuilder();
        b.Type("a", 8, 0, false, 2);                         // 1: typedef a -> 2
        b.Type("b", 8, 0, false, 1);                         // 2: typedef b -> 1
        b.Type("self", 4, 1, false, 8, b.Str("me"), 3, 0);   // 3: struct containing itself by value
        b.Type("", 2, 0, false, 4);                          // 4: pointer -> 5
        b.Type("node", 4, 1, false, 8, b.Str("next"), 4, 0); // 5: struct with a pointer to itself
        var spec = BtfSpec.Parse(b.Build());

        Assert.Throws<BtfFormatException>(() => spec.ResolveUnderlyingId(1));
        Assert.Throws<BtfFormatException>(() => spec.TryGetSize(1, out _));
        Assert.Throws<BtfFormatException>(() => spec.TryGetAlignment(3, out _));
        Assert.That(spec.GetAlignment(5), Is.EqualTo(8));
        Assert.That(spec.Walk(5), Is.EqualTo(new uint[] { 5, 4 }));
        Assert.That(spec.Walk(1), Is.EqualTo(new uint[] { 1, 2 }));
    }

    [Test]
    public void LongChainsWalkWithoutRecursion()
    {
        const int n = 200_000;
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, 32);
        for (int i = 2; i <= n; i++)
        {
            b.Type("", 10, 0, false, (uint)i - 1);     // const -> previous
        }

        var spec = BtfSpec.Parse(b.Build());
        Assert.That(spec.Walk((uint)n).Count(), Is.EqualTo(n));
        Assert.That(spec.ResolveUnderlyingId((uint)n), Is.EqualTo(1));
        Assert.That(spec.GetSize((uint)n), Is.EqualTo(4));
        Assert.That(spec.GetAlignment((uint)n), Is.EqualTo(4));
    }

    [Test]
    public void DeeplyNestedStructsLayOutWithoutRecursion()
    {
        const int n = 100_000;
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, (1u << 24) | 32);
        b.Type("s1", 4, 1, false, 4, b.Str("i"), 1, 0);
        for (int i = 3; i <= n; i++)
        {
            b.Type("", 4, 2, false, 4, b.Str("inner"), (uint)i - 1, 0, b.Str("empty"), 2, 32); // struct { prev inner; ... }
        }

        var spec = BtfSpec.Parse(b.Build());
        Assert.That(spec.GetAlignment((uint)n), Is.EqualTo(4));
        Assert.That(spec.GetSize((uint)n), Is.EqualTo(4));
        Assert.That(spec.Walk((uint)n).Count(), Is.EqualTo(n));
    }

    [Test]
    public void ArraySizesThatOverflowAreRejected()
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, 32);
        b.Type("", 3, 0, false, 0, 1, 1, 0x4000_0000);
        var spec = BtfSpec.Parse(b.Build());
        Assert.Throws<BtfFormatException>(() => spec.GetSize(2));
    }

    [Test]
    public void BadHeadersAndForgedCountsThrowFormatExceptions()
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, 32);
        b.Type("s", 4, 1, false, 4, b.Str("x"), 1, 0);
        var good = b.Build();
        Assert.That(BtfSpec.Parse(good).TypeCount, Is.EqualTo(2));

        byte[] Patch(int at, uint value)
        {
            var copy = (byte[])good.Clone();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
            return copy;
        }

        var cases = new Dictionary<string, byte[]>
        {
            ["empty"] = [],
            ["short"] = good[..10],
            ["magic"] = Patch(0, 0x0001_1234),
            ["version"] = Patch(0, 0x0002_EB9F),
            ["hdr_len"] = Patch(4, 0xffff_fff0),
            ["type_len"] = Patch(12, 0x7fff_ffff),
            ["str_len"] = Patch(20, 0xffff_ffff),
            ["str_off"] = Patch(16, 4),
            ["vlen"] = Patch(24 + 16 + 4, (4u << 24) | 0xffff),
            ["kind"] = Patch(24 + 4, 31u << 24),
            ["type ref"] = Patch(24 + 16 + 12 + 4, 99),
            ["name ref"] = Patch(24, 0x10000),
        };
        foreach (var (what, blob) in cases)
        {
            var error = Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(blob), what);
            Assert.That(error!.Message, Is.Not.Empty, what);
        }
    }
}
