using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Btf;

/// <summary>Round trips and deduplication of <see cref="BtfBuilder"/>; the compatibility rewrites and bad input
/// are in <see cref="BtfBuilderCompatibilityTests"/> and <see cref="BtfBuilderErrorTests"/>.</summary>
/// <remarks>No kernel test loads the marshaled BTF yet (BPF_BTF_LOAD lives in the kernel layer, written
/// elsewhere): once it exists, load <c>Marshal</c>'s output of each test object, with and without
/// <see cref="BtfMarshalOptions.Oldest"/>, and expect the kernel to accept it.</remarks>
public class BtfBuilderTests
{
    private static readonly string[] Programs = ["atomics", "callbacks", "maps_and_globals", "packet"];

    private static IEnumerable<TestCaseData> ProgramCases() =>
        Programs.SelectMany(p => new[] { new TestCaseData(p, false), new TestCaseData(p, true) });

    [TestCase(ByteOrder.LittleEndian)]
    [TestCase(ByteOrder.BigEndian)]
    public void KernelVmlinuxRoundTripsInOrder(ByteOrder order)
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        string expected = BtfRawDumper.Dump(spec);

        var clock = Stopwatch.StartNew();
        var builder = new BtfBuilder();
        Assert.That(builder.AddAll(spec), Is.EqualTo(1));
        var added = clock.Elapsed;
        var blob = builder.Marshal(order);
        TestContext.Out.WriteLine(
            $"{spec.TypeCount} types: AddAll {added.TotalMilliseconds:F0} ms, +Marshal {clock.Elapsed.TotalMilliseconds:F0} ms (cold), {blob.Length} bytes (original {spec.Header.HeaderLength + spec.Header.StringOffset + spec.Header.StringLength})");
        var (bestAdd, bestMarshal) = (TimeSpan.MaxValue, TimeSpan.MaxValue);
        for (int run = 0; run < 3; run++)
        {
            clock.Restart();
            var again = new BtfBuilder();
            again.AddAll(spec);
            bestAdd = TimeSpan.FromTicks(Math.Min(bestAdd.Ticks, clock.Elapsed.Ticks));
            clock.Restart();
            _ = again.Marshal(order);
            bestMarshal = TimeSpan.FromTicks(Math.Min(bestMarshal.Ticks, clock.Elapsed.Ticks));
        }

        TestContext.Out.WriteLine($"warm, best of 3: AddAll {bestAdd.TotalMilliseconds:F0} ms, Marshal {bestMarshal.TotalMilliseconds:F0} ms");
        Assert.That(bestAdd + bestMarshal, Is.LessThan(TimeSpan.FromSeconds(5)), "generous bound for loaded machines; typically well under 1 s");

        var parsed = BtfSpec.Parse(blob);
        Assert.That(parsed.ByteOrder, Is.EqualTo(order));
        Assert.That(parsed.TypeCount, Is.EqualTo(spec.TypeCount));
        Assert.That(BtfRawDumper.Dump(parsed), Is.EqualTo(expected));
    }

    [Test]
    public void SharedVmlinuxRoundTripsInOrder()
    {
        string path = BtfTestData.SharedVmlinuxFile();
        try
        {
            var spec = BtfSpec.Load(path);
            var builder = new BtfBuilder();
            builder.AddAll(spec);
            Assert.That(BtfRawDumper.Dump(BtfSpec.Parse(builder.Marshal(ByteOrder.BigEndian))), Is.EqualTo(BtfRawDumper.Dump(spec)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCaseSource(nameof(ProgramCases))]
    public void TestProgramBtfRoundTripsInBothByteOrders(string program, bool bigEndian)
    {
        var spec = BtfSpec.Parse(ObjectBtf.Section(program, bigEndian));
        string expected = BtfRawDumper.Dump(spec);
        var builder = new BtfBuilder();
        builder.AddAll(spec);
        foreach (var order in new[] { ByteOrder.LittleEndian, ByteOrder.BigEndian })
        {
            var parsed = BtfSpec.Parse(builder.Marshal(order));
            Assert.That(parsed.ByteOrder, Is.EqualTo(order));
            Assert.That(BtfRawDumper.Dump(parsed), Is.EqualTo(expected), $"{program} as {order}");
        }
    }

    [TestCaseSource(nameof(ProgramCases))]
    public void TestProgramBtfCopiedTypeByTypeIsTheSameGraph(string program, bool bigEndian)
    {
        var spec = BtfSpec.Parse(ObjectBtf.Section(program, bigEndian));
        AssertDeduplicatedCopyIsSameGraph(spec);
    }

    [Test]
    public void KernelVmlinuxCopiedTypeByTypeIsTheSameGraph()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        var (builder, _) = AssertDeduplicatedCopyIsSameGraph(spec);
        TestContext.Out.WriteLine($"{spec.TypeCount} types in, {builder.TypeCount} out after deduplication");
    }

    [Test]
    public void SplitModuleRoundTripsOverItsBase()
    {
        var baseSpec = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf.base"));
        var split = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf"), baseSpec);
        var builder = new BtfBuilder(baseSpec);
        Assert.That(builder.AddAll(split), Is.EqualTo(split.FirstTypeId));
        var blob = builder.Marshal(ByteOrder.LittleEndian);
        var parsed = BtfSpec.Parse(blob, baseSpec);
        Assert.That(parsed.FirstTypeId, Is.EqualTo(split.FirstTypeId));
        Assert.That(parsed.StringOffsetBase, Is.EqualTo(baseSpec.Header.StringLength));
        Assert.That(BtfRawDumper.Dump(parsed), Is.EqualTo(BtfRawDumper.Dump(split)));
        Assert.That(parsed.Header.StringLength, Is.LessThanOrEqualTo(split.Header.StringLength), "names the base holds are not repeated");

        // Type by type, deduplicated: references into the base stay base ids.
        var dedup = new BtfBuilder(baseSpec);
        var ids = split.Types.Select(t => dedup.Add(split, t.Id)).ToArray();
        var reparsed = BtfSpec.Parse(dedup.Marshal(ByteOrder.BigEndian), baseSpec);
        AssertSameGraph(split, reparsed, ids);

        // Without a base, the module's types are copied together with the base types they need.
        var standalone = new BtfBuilder();
        uint ctx = split.FindIds("bpf_testmod_ctx", BtfKind.Struct).Single();
        uint copied = standalone.Add(split, ctx);
        var alone = BtfSpec.Parse(standalone.Marshal(ByteOrder.LittleEndian));
        Assert.That(alone.FirstTypeId, Is.EqualTo(1));
        Assert.That(alone.GetName(copied), Is.EqualTo("bpf_testmod_ctx"));
        Assert.That(alone.TypeCount, Is.LessThan(baseSpec.TypeCount), "only what the struct reaches");
        Assert.That(alone.GetSize(copied), Is.EqualTo(split.GetSize(ctx)));
    }

    [Test]
    public void SplitOutputContinuesIdsAndStringsAfterTheBase()
    {
        var baseBuilder = new BtfBuilder();
        uint intId = baseBuilder.AddInt("int", 4, BtfIntEncoding.Signed);
        baseBuilder.AddString("shared_name");
        var baseSpec = BtfSpec.Parse(baseBuilder.Marshal(ByteOrder.LittleEndian));

        var builder = new BtfBuilder(baseSpec);
        Assert.That(builder.FirstTypeId, Is.EqualTo(baseSpec.LastTypeId + 1));
        uint ptr = builder.AddPointer(intId);
        uint pair = builder.AddStruct("pair", 16, [new BtfMember("shared_name", ptr, 0, 0), new BtfMember("int", intId, 64, 0)]);
        Assert.That(builder.Add(baseSpec, intId), Is.EqualTo(intId), "a base type is referred to, not copied");
        Assert.That(builder.AddString("int"), Is.EqualTo(1u), "a base string keeps its offset");
        Assert.That(builder.AddString("pair"), Is.GreaterThanOrEqualTo(baseSpec.Header.StringLength));

        var split = BtfSpec.Parse(builder.Marshal(ByteOrder.BigEndian), baseSpec);
        Assert.That(split.FirstTypeId, Is.EqualTo(ptr));
        Assert.That(split.Header.StringLength, Is.EqualTo("pair\0".Length), "only the new name is written");
        Assert.That(BtfRawDumper.Dump(split), Is.EqualTo(
            $"[{ptr}] PTR '(anon)' type_id={intId}\n[{pair}] STRUCT 'pair' size=16 vlen=2\n\t'shared_name' type_id={ptr} bits_offset=0\n\t'int' type_id={intId} bits_offset=64\n"));
        Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(builder.Marshal(ByteOrder.LittleEndian)));
    }

    [Test]
    public void IdenticalTypesAreStoredOnce()
    {
        var builder = new BtfBuilder();
        uint i1 = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        uint i2 = builder.Add(new BtfInt(77, "int", 4, BtfIntEncoding.Signed, 0, 32));
        Assert.That(i2, Is.EqualTo(i1));
        BtfMember[] members = [new("a", i1, 0, 0), new("b", i1, 32, 0)];
        uint s1 = builder.AddStruct("two", 8, members);
        uint s2 = builder.AddStruct("two", 8, members.ToArray());
        uint other = builder.AddStruct("two", 8, [new("a", i1, 0, 0), new("c", i1, 32, 0)]);
        Assert.That(s2, Is.EqualTo(s1));
        Assert.That(other, Is.Not.EqualTo(s1));
        Assert.That(builder.AddInt("int", 4), Is.Not.EqualTo(i1), "unsigned int differs from int");
        Assert.That(builder.TypeCount, Is.EqualTo(4));
    }

    [Test]
    public void CopyingTheSameTypeTwiceYieldsOne()
    {
        var bytes = BtfTestData.KernelBytes();
        var spec = BtfSpec.Parse(bytes);
        uint task = spec.FindIds("task_struct", BtfKind.Struct).Single();
        var builder = new BtfBuilder();
        uint first = builder.Add(spec, task);
        int count = builder.TypeCount;
        Assert.That(builder.Add(spec, task), Is.EqualTo(first));
        Assert.That(builder.TypeCount, Is.EqualTo(count));

        // A second parse of the same bytes is another spec object: types match by content, and
        // task_struct (full of cycles) by comparing its whole graph.
        var other = BtfSpec.Parse(bytes);
        uint u64 = spec.FindIds("u64", BtfKind.Typedef).Single();
        Assert.That(builder.Add(other, u64), Is.EqualTo(builder.Add(spec, u64)));
        var clock = Stopwatch.StartNew();
        Assert.That(builder.Add(other, task), Is.EqualTo(first));
        TestContext.Out.WriteLine($"task_struct graph of {count} types matched in {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.That(builder.TypeCount, Is.EqualTo(count));

        // A struct that differs deep down is not matched.
        var changed = new BtfBuilder();
        uint listHead = spec.FindIds("list_head", BtfKind.Struct).Single();
        uint hand = changed.AddStruct("list_head", 16, [new BtfMember("next", changed.NextTypeId + 1, 0, 0), new BtfMember("prev", changed.NextTypeId + 1, 64, 0)]);
        changed.AddPointer(changed.AddInt("long", 8));
        Assert.That(changed.Add(spec, listHead), Is.Not.EqualTo(hand));
        var same = new BtfBuilder();
        uint real = same.AddStruct("list_head", 16, [new BtfMember("next", same.NextTypeId + 1, 0, 0), new BtfMember("prev", same.NextTypeId + 1, 64, 0)]);
        Assert.That(same.AddPointer(real), Is.EqualTo(real + 1));
        Assert.That(same.Add(spec, listHead), Is.EqualTo(real), "a hand-built cycle equal to the copied one");
        Assert.That(same.TypeCount, Is.EqualTo(2));
    }

    [Test]
    public void CyclesAreClosedThroughReservedIds()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        uint listHead = spec.FindIds("list_head", BtfKind.Struct).Single();
        var builder = new BtfBuilder();
        uint id = builder.Add(spec, listHead);
        Assert.That(builder.TypeCount, Is.EqualTo(2), "struct list_head and its pointer to itself");
        var parsed = BtfSpec.Parse(builder.Marshal(ByteOrder.LittleEndian));
        var type = (BtfStruct)parsed[id];
        Assert.That(type.Name, Is.EqualTo("list_head"));
        Assert.That(type.Members.Select(m => m.Name), Is.EqualTo(new[] { "next", "prev" }));
        foreach (var member in type.Members)
        {
            Assert.That(((BtfPointer)parsed[member.TypeId]).TypeId, Is.EqualTo(id));
        }

        // Built by hand: a forward reference to an id added later.
        var hand = new BtfBuilder();
        uint node = hand.NextTypeId;
        uint ptr = hand.AddPointer(node + 1);
        uint nodeStruct = hand.AddStruct("node", 8, [new BtfMember("next", ptr, 0, 0)]);
        Assert.That(nodeStruct, Is.EqualTo(node + 1));
        Assert.That(BtfRawDumper.Dump(BtfSpec.Parse(hand.Marshal(ByteOrder.BigEndian))), Is.EqualTo(
            "[1] PTR '(anon)' type_id=2\n[2] STRUCT 'node' size=8 vlen=1\n\t'next' type_id=1 bits_offset=0\n"));
    }

    [Test]
    public void StringsAreStoredOnce()
    {
        var builder = new BtfBuilder();
        uint x = builder.AddString("x");
        Assert.That(builder.AddString("x"), Is.EqualTo(x));
        Assert.That(builder.AddString(""), Is.Zero);
        uint i = builder.AddInt("x", 4);
        builder.AddStruct("s", 8, [new BtfMember("x", i, 0, 0), new BtfMember("y", i, 32, 0)]);
        builder.AddStruct("t", 4, [new BtfMember("x", i, 0, 0)]);
        builder.AddTypedef("y", i);
        var parsed = BtfSpec.Parse(builder.Marshal(ByteOrder.LittleEndian));
        Assert.That(parsed.Header.StringLength, Is.EqualTo("\0x\0s\0y\0t\0".Length));
        Assert.That(parsed.GetString(x), Is.EqualTo("x"));
    }

    [Test]
    public void EveryKindRoundTripsFromConstructedTypes()
    {
        var builder = BtfBuilderCompatibilityTests.EveryKind();
        var parsed = BtfSpec.Parse(builder.Marshal(ByteOrder.BigEndian));
        var kinds = parsed.Types.Select(t => t.Kind).ToHashSet();
        Assert.That(kinds, Is.SupersetOf(Enum.GetValues<BtfKind>().Where(k => k != BtfKind.Void)));

        // Copying the parsed types back into a builder gives the same bytes.
        var again = new BtfBuilder();
        foreach (var type in parsed.Types)
        {
            again.Add(type);
        }

        Assert.That(again.Marshal(ByteOrder.BigEndian), Is.EqualTo(builder.Marshal(ByteOrder.BigEndian)));
    }

    /// <summary>Copies every type one at a time (deduplicating) and checks each lands on a type that dumps
    /// the same once ids are translated.</summary>
    private static (BtfBuilder Builder, BtfSpec Parsed) AssertDeduplicatedCopyIsSameGraph(BtfSpec spec)
    {
        var clock = Stopwatch.StartNew();
        var builder = new BtfBuilder();
        var ids = spec.Types.Select(t => builder.Add(spec, t.Id)).ToArray();
        var blob = builder.Marshal(ByteOrder.LittleEndian);
        TestContext.Out.WriteLine($"deduplicating copy of {spec.TypeCount} types + Marshal: {clock.Elapsed.TotalMilliseconds:F0} ms");
        var parsed = BtfSpec.Parse(blob);
        Assert.That(parsed.TypeCount, Is.LessThanOrEqualTo(spec.TypeCount));
        AssertSameGraph(spec, parsed, ids);
        return (builder, parsed);
    }

    private static readonly Regex IdField = new(@"(\[|\b(?:type_id|index_type_id|ret_type_id)=)(\d+)", RegexOptions.Compiled);

    /// <summary>Type <c>FirstTypeId + i</c> of <paramref name="original"/> became <c>ids[i]</c> of <paramref name="copy"/>.</summary>
    private static void AssertSameGraph(BtfSpec original, BtfSpec copy, uint[] ids)
    {
        uint Map(uint id) => id < original.FirstTypeId ? id : ids[id - original.FirstTypeId];
        var ours = new StringWriter();
        var theirs = new StringWriter();
        for (uint id = original.FirstTypeId; id <= original.LastTypeId; id++)
        {
            ours.GetStringBuilder().Clear();
            theirs.GetStringBuilder().Clear();
            BtfRawDumper.DumpType(original, original[id], ours);
            BtfRawDumper.DumpType(copy, copy[Map(id)], theirs);
            string expected = IdField.Replace(
                ours.ToString(),
                m => m.Groups[1].Value + Map(uint.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (expected != theirs.ToString())
            {
                Assert.Fail($"type {id} became {Map(id)}:\nexpected {expected}\nactual   {theirs}");
            }
        }
    }
}
