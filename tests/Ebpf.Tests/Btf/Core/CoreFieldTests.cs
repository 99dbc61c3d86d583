using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

/// <summary>Field relocations against hand-built BTF: moved members, anonymous members, arrays, bitfields,
/// missing and incompatible fields.</summary>
public class CoreFieldTests
{
    // local: struct task { int pid; unsigned int flags; int arr[4]; }
    private static (BtfSpec Btf, uint Task) Local()
    {
        var l = new CoreBtf();
        uint i = l.Int("int", 4, signed: true);
        uint u = l.Int("unsigned int", 4);
        uint arr = l.Array(i, u, 4);
        uint task = l.Struct("task", 24, ("pid", i, 0), ("flags", u, 32), ("arr", arr, 64));
        return (l.Build(), task);
    }

    // target: struct task { long x; union { int pid; unsigned int other; }; unsigned int flags; int arr[8]; }
    private static BtfSpec Target()
    {
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        uint u = t.Int("unsigned int", 4);
        uint l = t.Int("long", 8, signed: true);
        uint anon = t.Union("", 4, ("pid", i, 0), ("other", u, 0));
        uint arr = t.Array(i, u, 8);
        t.Struct("task", 56, ("x", l, 0), ("", anon, 64), ("flags", u, 96), ("arr", arr, 128));
        return t.Build();
    }

    private static CoreRelocationOutcome Resolve(string access, CoreRelocationKind kind, BtfSpec? target = null)
    {
        var (local, task) = Local();
        return new CoreRelocator(local, [target ?? Target()]).Resolve(new CoreRelocation(0, task, 0, access, kind));
    }

    [TestCase("0:0", 0UL, 8UL, "0:1:0")] // pid, inside the target's anonymous union
    [TestCase("0:1", 4UL, 12UL, "0:2")]  // flags
    [TestCase("0:2:3", 20UL, 28UL, "0:3:3")] // arr[3]
    [TestCase("1:1", 28UL, 68UL, "1:2")] // (&task)[1].flags: the root is an array of structs too
    public void ByteOffsetFollowsTheTargetLayout(string access, ulong local, ulong target, string targetAccess)
    {
        var outcome = Resolve(access, CoreRelocationKind.FieldByteOffset);
        Assert.That((outcome.OriginalValue, outcome.NewValue, outcome.TargetAccessString), Is.EqualTo((local, target, targetAccess)));
        Assert.That(outcome.Poison, Is.False);
    }

    [TestCase("0:0", CoreRelocationKind.FieldByteSize, 4UL)]
    [TestCase("0:2", CoreRelocationKind.FieldByteSize, 32UL)]
    [TestCase("0:2:1", CoreRelocationKind.FieldByteSize, 4UL)]
    [TestCase("0:0", CoreRelocationKind.FieldSigned, 1UL)]
    [TestCase("0:1", CoreRelocationKind.FieldSigned, 0UL)]
    [TestCase("0:1", CoreRelocationKind.FieldLShiftU64, 32UL)]
    [TestCase("0:1", CoreRelocationKind.FieldRShiftU64, 32UL)]
    [TestCase("0:1", CoreRelocationKind.FieldExists, 1UL)]
    public void OtherFieldKinds(string access, CoreRelocationKind kind, ulong expected)
    {
        Assert.That(Resolve(access, kind).NewValue, Is.EqualTo(expected));
    }

    [Test]
    public void ArrayElementsOnlyHaveOffsetAndSize()
    {
        Assert.Throws<CoreRelocationException>(() => Resolve("0:2:1", CoreRelocationKind.FieldSigned));
    }

    [Test]
    public void ElementPastTheTargetArrayDoesNotMatch()
    {
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        uint u = t.Int("unsigned int", 4);
        uint arr = t.Array(i, u, 2);
        t.Struct("task", 16, ("pid", i, 0), ("flags", u, 32), ("arr", arr, 64));
        var outcome = Resolve("0:2:3", CoreRelocationKind.FieldByteOffset, t.Build());
        Assert.That(outcome.Poison, Is.True);
        Assert.That(outcome.Target, Is.Null);
    }

    [Test]
    public void FlexibleArrayTakesAnyIndex()
    {
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        uint u = t.Int("unsigned int", 4);
        uint flex = t.Array(i, u, 0);
        t.Struct("task", 8, ("pid", i, 0), ("flags", u, 32), ("arr", flex, 64));
        Assert.That(Resolve("0:2:3", CoreRelocationKind.FieldByteOffset, t.Build()).NewValue, Is.EqualTo(20));
    }

    [Test]
    public void LocalIndexPastTheLocalArrayIsAnError()
    {
        Assert.Throws<CoreRelocationException>(() => Resolve("0:2:4", CoreRelocationKind.FieldByteOffset));
        Assert.Throws<CoreRelocationException>(() => Resolve("0:7", CoreRelocationKind.FieldByteOffset));
        Assert.Throws<CoreRelocationException>(() => Resolve("", CoreRelocationKind.FieldByteOffset));
        Assert.Throws<CoreRelocationException>(() => Resolve("0:x", CoreRelocationKind.FieldByteOffset));
    }

    [Test]
    public void MissingFieldPoisonsExceptForExistence()
    {
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        t.Struct("task", 4, ("tgid", i, 0));
        var target = t.Build();
        foreach (var kind in new[] { CoreRelocationKind.FieldByteOffset, CoreRelocationKind.FieldByteSize, CoreRelocationKind.FieldSigned,
                     CoreRelocationKind.FieldLShiftU64, CoreRelocationKind.FieldRShiftU64 })
        {
            Assert.That(Resolve("0:0", kind, target).Poison, Is.True, kind.ToString());
        }

        var exists = Resolve("0:0", CoreRelocationKind.FieldExists, target);
        Assert.That((exists.Poison, exists.OriginalValue, exists.NewValue), Is.EqualTo((false, 1UL, 0UL)));
    }

    [Test]
    public void NoCandidateAtAllBehavesLikeAMissingField()
    {
        var empty = new CoreBtf();
        empty.Int("int", 4);
        Assert.That(Resolve("0:0", CoreRelocationKind.FieldByteOffset, empty.Build()).Poison, Is.True);
        Assert.That(Resolve("0:0", CoreRelocationKind.FieldExists, empty.Build()).NewValue, Is.EqualTo(0));
    }

    [Test]
    public void IncompatibleFieldTypeDoesNotMatch()
    {
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        uint inner = t.Struct("inner", 4, ("v", i, 0));
        t.Struct("task", 4, ("pid", inner, 0));
        Assert.That(Resolve("0:0", CoreRelocationKind.FieldByteOffset, t.Build()).Poison, Is.True, "int against struct");

        var p = new CoreBtf();
        uint pi = p.Int("unsigned char", 1);
        uint e = p.Enum("e", 4, ("A", 0));
        p.Struct("task", 8, ("pid", pi, 0), ("flags", e, 32));
        var target = p.Build();
        var pid = Resolve("0:0", CoreRelocationKind.FieldByteSize, target);
        Assert.That(pid.NewValue, Is.EqualTo(1), "any integer matches any integer");
        Assert.That(Resolve("0:1", CoreRelocationKind.FieldByteSize, target).Poison, Is.True, "int against enum");
    }

    [Test]
    public void OldStyleBitfieldIntegersAreIncompatible()
    {
        var t = new CoreBtf();
        uint bits = t.Int("int", 4, signed: true, bitOffset: 2);
        t.Struct("task", 4, ("pid", bits, 0));
        Assert.That(Resolve("0:0", CoreRelocationKind.FieldByteOffset, t.Build()).Poison, Is.True);
    }

    // struct bits { unsigned a:3; unsigned b:5; ... unsigned c:4 at bit 30; int s:2 at bit 40 }
    private static BtfSpec Bits(bool bigEndian = false, uint bOffset = 3)
    {
        var t = new CoreBtf();
        uint u = t.Int("unsigned int", 4);
        uint i = t.Int("int", 4, signed: true);
        t.BitfieldStruct("bits", 8, ("a", u, 0, 3), ("b", u, bOffset, 5), ("c", u, 30, 4), ("s", i, 40, 2));
        return t.Build(bigEndian);
    }

    private static CoreRelocationOutcome ResolveBits(string access, CoreRelocationKind kind, BtfSpec target)
    {
        var local = Bits(bOffset: 3);
        uint id = local.FindIds("bits")[0];
        return new CoreRelocator(local, [target]).Resolve(new CoreRelocation(0, id, 0, access, kind));
    }

    [TestCase("0:1", CoreRelocationKind.FieldByteOffset, 0UL)]
    [TestCase("0:1", CoreRelocationKind.FieldByteSize, 4UL)]
    [TestCase("0:1", CoreRelocationKind.FieldLShiftU64, 64UL - 8)]
    [TestCase("0:1", CoreRelocationKind.FieldRShiftU64, 59UL)]
    [TestCase("0:1", CoreRelocationKind.FieldSigned, 0UL)]
    [TestCase("0:2", CoreRelocationKind.FieldByteSize, 8UL)]  // bits 30..33 straddle the 32-bit word
    [TestCase("0:2", CoreRelocationKind.FieldByteOffset, 0UL)]
    [TestCase("0:2", CoreRelocationKind.FieldLShiftU64, 30UL)]
    [TestCase("0:2", CoreRelocationKind.FieldRShiftU64, 60UL)]
    [TestCase("0:3", CoreRelocationKind.FieldByteOffset, 4UL)]
    [TestCase("0:3", CoreRelocationKind.FieldSigned, 1UL)]
    [TestCase("0:3", CoreRelocationKind.FieldLShiftU64, 64UL - 42 + 32)]
    public void BitfieldsLittleEndian(string access, CoreRelocationKind kind, ulong expected)
    {
        Assert.That(ResolveBits(access, kind, Bits()).NewValue, Is.EqualTo(expected));
    }

    [Test]
    public void BitfieldMovedInTheTarget()
    {
        var outcome = ResolveBits("0:1", CoreRelocationKind.FieldLShiftU64, Bits(bOffset: 10));
        Assert.That(outcome.NewValue, Is.EqualTo(64UL - 15));
        Assert.That(outcome.Validate, Is.False, "bitfield layouts are not checked against the instruction");
    }

    [Test]
    public void BitfieldLeftShiftBigEndian()
    {
        // (8 - byte size) * 8 + bit offset within the loaded bytes
        Assert.That(ResolveBits("0:1", CoreRelocationKind.FieldLShiftU64, Bits(bigEndian: true)).NewValue, Is.EqualTo(35UL));
        Assert.That(ResolveBits("0:3", CoreRelocationKind.FieldLShiftU64, Bits(bigEndian: true)).NewValue, Is.EqualTo(32UL + 8));
    }
}
