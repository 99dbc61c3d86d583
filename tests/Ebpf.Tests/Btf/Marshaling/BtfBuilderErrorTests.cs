using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Btf;

/// <summary>Input a <see cref="BtfBuilder"/> cannot write raises <see cref="BtfBuilderException"/>.</summary>
public class BtfBuilderErrorTests
{
    [Test]
    public void DanglingIdIsReportedWhenMarshaling()
    {
        var builder = new BtfBuilder();
        uint i = builder.AddInt("int", 4);
        builder.AddPointer(i + 5);
        var error = Assert.Throws<BtfBuilderException>(() => builder.Marshal(ByteOrder.LittleEndian));
        Assert.That(error!.Message, Does.Contain("refers to type 6"));

        // Adding the missing ids makes it valid.
        for (int n = 0; n < 4; n++)
        {
            builder.AddTypedef($"t{n}", i);
        }

        Assert.That(() => BtfSpec.Parse(builder.Marshal(ByteOrder.LittleEndian)), Throws.Nothing);
    }

    [Test]
    public void DanglingIdInSplitOutputIsReported()
    {
        var baseBuilder = new BtfBuilder();
        baseBuilder.AddInt("int", 4);
        var baseSpec = BtfSpec.Parse(baseBuilder.Marshal(ByteOrder.LittleEndian));
        var builder = new BtfBuilder(baseSpec);
        builder.AddPointer(1);
        builder.AddPointer(4);
        Assert.Throws<BtfBuilderException>(() => builder.Marshal(ByteOrder.BigEndian));
    }

    [Test]
    public void TooManyMembers()
    {
        var builder = new BtfBuilder();
        uint i = builder.AddInt("char", 1);
        var members = Enumerable.Range(0, BtfBuilder.MaxVlen + 1).Select(n => new BtfMember("", i, (uint)n * 8, 0)).ToArray();
        Assert.Throws<BtfBuilderException>(() => builder.AddStruct("big", (uint)members.Length, members));
        Assert.That(builder.AddStruct("ok", BtfBuilder.MaxVlen, members[..BtfBuilder.MaxVlen]), Is.EqualTo(2));
        var values = Enumerable.Range(0, BtfBuilder.MaxVlen + 1).Select(n => new BtfEnumValue($"V{n}", n)).ToArray();
        Assert.Throws<BtfBuilderException>(() => builder.Add(new BtfEnum(0, "e", 4, false, values)));
        Assert.Throws<BtfBuilderException>(() => builder.Add(new BtfFuncProto(0, "", 0, Enumerable.Repeat(new BtfParameter("", i), 70000).ToArray())));
    }

    [Test]
    public void NamesPastTheStringLimit()
    {
        var builder = new BtfBuilder();
        Assert.Throws<BtfBuilderException>(() => builder.AddInt(new string('x', 0x0100_0000), 4));
        builder.AddString(new string('y', 0x00ff_fff0));
        Assert.Throws<BtfBuilderException>(() => builder.AddTypedef("a_name_that_no_longer_fits", 0));
        Assert.Throws<BtfBuilderException>(() => builder.AddString("nul\0inside"));
    }

    [Test]
    public void FailedCopyLeavesTheBuilderAsItWas()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        uint task = spec.FindIds("task_struct", BtfKind.Struct).Single();
        uint listHead = spec.FindIds("list_head", BtfKind.Struct).Single();
        var builder = new BtfBuilder();
        uint list = builder.Add(spec, listHead);
        builder.AddString(new string('y', 0x00ff_f000));
        Assert.Throws<BtfBuilderException>(() => builder.Add(spec, task), "task_struct's names do not fit in what is left");
        Assert.That(builder.TypeCount, Is.EqualTo(2));
        Assert.Throws<BtfBuilderException>(() => builder.AddAll(spec));
        Assert.That(builder.TypeCount, Is.EqualTo(2));
        Assert.That(builder.Add(spec, listHead), Is.EqualTo(list));

        uint u8 = spec.FindIds("u8", BtfKind.Typedef)[0];
        uint copied = builder.Add(spec, u8);
        Assert.That(builder.TypeCount, Is.EqualTo(5), "unsigned char, __u8, u8");
        Assert.That(copied, Is.EqualTo(5), "ids continue where they were before the failed copies, dependencies first");
        var parsed = BtfSpec.Parse(builder.Marshal(ByteOrder.LittleEndian));
        Assert.That(parsed.GetName(copied), Is.EqualTo("u8"));
        Assert.That(parsed.GetName(list), Is.EqualTo("list_head"));
    }

    [Test]
    public void FieldsThatDoNotFit()
    {
        var builder = new BtfBuilder();
        uint i = builder.AddInt("int", 4);
        Assert.Throws<BtfBuilderException>(() => builder.Add(new BtfInt(0, "wide", 4, BtfIntEncoding.None, 0, 64)));
        Assert.Throws<BtfBuilderException>(() => builder.Add(new BtfStruct(0, "s", 4, true, [new BtfMember("b", i, 0x0100_0000, 1)])));
        Assert.Throws<BtfBuilderException>(() => builder.Add(new BtfStruct(0, "s", 4, false, [new BtfMember("b", i, 0, 3)])));
        Assert.Throws<BtfBuilderException>(() => builder.Add(new BtfEnum(0, "e", 4, false, [new BtfEnumValue("NEG", -1)])));
        Assert.Throws<BtfBuilderException>(() => builder.AddPointer(BtfBuilder.MaxTypeId + 1));
        Assert.Throws<ArgumentException>(() => builder.Add(BtfVoid.Instance));
    }

    [Test]
    public void AddAllNeedsTheSameBase()
    {
        var baseBuilder = new BtfBuilder();
        baseBuilder.AddInt("int", 4);
        var baseSpec = BtfSpec.Parse(baseBuilder.Marshal(ByteOrder.LittleEndian));
        Assert.Throws<ArgumentException>(() => new BtfBuilder(baseSpec).AddAll(baseSpec));
        Assert.That(new BtfBuilder().AddAll(baseSpec), Is.EqualTo(1));
    }
}
