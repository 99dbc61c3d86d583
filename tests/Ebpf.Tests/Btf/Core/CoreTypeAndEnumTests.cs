using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

/// <summary>Type relocations (ids, existence, size, TYPE_MATCHES) and enumerator relocations against hand-built BTF.</summary>
public class CoreTypeAndEnumTests
{
    private static CoreRelocationOutcome Resolve(BtfSpec local, uint id, string access, CoreRelocationKind kind, BtfSpec target) =>
        new CoreRelocator(local, [target]).Resolve(new CoreRelocation(0, id, 0, access, kind));

    [Test]
    public void TypeKindsAgainstAnExistingType()
    {
        var l = new CoreBtf();
        uint lu = l.Int("unsigned int", 4);
        uint lt = l.Typedef("u64_t", lu);
        var local = l.Build();
        var t = new CoreBtf();
        uint tl = t.Int("long unsigned int", 8);
        t.Int("pad", 1);
        uint tt = t.Typedef("u64_t", tl);
        var target = t.Build();

        Assert.That(Resolve(local, lt, "0", CoreRelocationKind.TypeExists, target).NewValue, Is.EqualTo(1));
        Assert.That(Resolve(local, lt, "0", CoreRelocationKind.TypeSize, target).NewValue, Is.EqualTo(8));
        var id = Resolve(local, lt, "0", CoreRelocationKind.TypeIdTarget, target);
        Assert.That((id.OriginalValue, id.NewValue, id.Validate), Is.EqualTo(((ulong)lt, (ulong)tt, false)));
        var localId = Resolve(local, lt, "0", CoreRelocationKind.TypeIdLocal, target);
        Assert.That((localId.NewValue, localId.Validate), Is.EqualTo(((ulong)lt, false)));
        Assert.That(Resolve(local, lt, "0", CoreRelocationKind.TypeMatches, target).NewValue, Is.EqualTo(0), "unsigned int against long unsigned int");
    }

    [Test]
    public void TypeKindsWithoutCandidateAreZero()
    {
        var l = new CoreBtf();
        uint li = l.Int("int", 4, signed: true);
        uint ls = l.Struct("nothere", 4, ("a", li, 0));
        var local = l.Build();
        var target = new CoreBtf().Build();
        foreach (var kind in new[] { CoreRelocationKind.TypeExists, CoreRelocationKind.TypeSize, CoreRelocationKind.TypeIdTarget, CoreRelocationKind.TypeMatches })
        {
            var outcome = Resolve(local, ls, "0", kind, target);
            Assert.That((outcome.Poison, outcome.NewValue), Is.EqualTo((false, 0UL)), kind.ToString());
        }
    }

    [Test]
    public void TypeAccessStringMustBeZero()
    {
        var l = new CoreBtf();
        uint li = l.Int("int", 4, signed: true);
        Assert.Throws<CoreRelocationException>(() => Resolve(l.Build(), li, "0:1", CoreRelocationKind.TypeExists, new CoreBtf().Build()));
    }

    [Test]
    public void TypesAreCompatFollowsPointersArraysAndPrototypes()
    {
        var l = new CoreBtf();
        uint li = l.Int("int", 4, signed: true);
        uint lp = l.Ptr(li);
        uint lf = l.FuncProto(li, lp, li);
        uint lfp = l.Ptr(lf);
        uint lt = l.Typedef("handler_t", lfp);
        var local = l.Build();

        var same = new CoreBtf();
        uint si = same.Int("long", 8, signed: true);       // integers of any size are compatible
        uint sp = same.Ptr(si);
        uint sf = same.FuncProto(si, sp, si);
        same.Typedef("handler_t", same.Ptr(sf));
        Assert.That(Resolve(local, lt, "0", CoreRelocationKind.TypeExists, same.Build()).NewValue, Is.EqualTo(1));

        var fewer = new CoreBtf();
        uint fi = fewer.Int("int", 4, signed: true);
        fewer.Typedef("handler_t", fewer.Ptr(fewer.FuncProto(fi, fi)));
        Assert.That(Resolve(local, lt, "0", CoreRelocationKind.TypeExists, fewer.Build()).NewValue, Is.EqualTo(0), "parameter count differs");

        var other = new CoreBtf();
        uint oi = other.Int("int", 4, signed: true);
        uint os = other.Struct("s", 4, ("a", oi, 0));
        other.Typedef("handler_t", other.Ptr(other.FuncProto(oi, other.Ptr(os), oi)));
        Assert.That(Resolve(local, lt, "0", CoreRelocationKind.TypeExists, other.Build()).NewValue, Is.EqualTo(0), "int * against struct s *");
    }

    // local: struct point { int y; int x; struct node *next; }
    private static (BtfSpec Btf, uint Point) LocalPoint(bool unsignedX = false)
    {
        var l = new CoreBtf();
        uint i = l.Int("int", 4, signed: true);
        uint x = unsignedX ? l.Int("unsigned int", 4) : i;
        uint node = l.Struct("node", 4, ("v", i, 0));
        uint point = l.Struct("point", 16, ("y", i, 0), ("x", x, 32), ("next", l.Ptr(node), 64));
        return (l.Build(), point);
    }

    [Test]
    public void TypeMatchesComparesMembersByName()
    {
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        uint node = t.Forward("node");                      // behind a pointer a forward declaration matches
        t.Struct("point", 24, ("x", i, 0), ("y", i, 32), ("z", i, 64), ("next", t.Ptr(node), 128));
        var target = t.Build();

        var (local, point) = LocalPoint();
        Assert.That(Resolve(local, point, "0", CoreRelocationKind.TypeMatches, target).NewValue, Is.EqualTo(1));
        var (unsignedLocal, unsignedPoint) = LocalPoint(unsignedX: true);
        Assert.That(Resolve(unsignedLocal, unsignedPoint, "0", CoreRelocationKind.TypeMatches, target).NewValue, Is.EqualTo(0), "signedness differs");
        Assert.That(Resolve(unsignedLocal, unsignedPoint, "0", CoreRelocationKind.TypeExists, target).NewValue, Is.EqualTo(1), "but the type exists");
    }

    [Test]
    public void TypeMatchesNeedsEveryLocalMember()
    {
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        uint node = t.Struct("node", 4, ("v", i, 0));
        uint anon = t.Struct("", 8, ("x", i, 0), ("y", i, 32));
        t.Struct("point", 24, ("", anon, 0), ("next", t.Ptr(node), 64), ("pad", i, 128));
        var (local, point) = LocalPoint();

        // members inside anonymous members do not count: the names must be at the top level
        Assert.That(Resolve(local, point, "0", CoreRelocationKind.TypeMatches, t.Build()).NewValue, Is.EqualTo(0));
    }

    [Test]
    public void TypeMatchesEnumsBySizeAndNames()
    {
        var l = new CoreBtf();
        uint le = l.Enum("mode", 4, ("ON", 1), ("OFF", 0));
        var local = l.Build();

        var same = new CoreBtf();
        same.Enum("mode", 4, ("OFF", 5), ("AUTO", 6), ("ON", 7));    // values do not matter
        Assert.That(Resolve(local, le, "0", CoreRelocationKind.TypeMatches, same.Build()).NewValue, Is.EqualTo(1));

        var wide = new CoreBtf();
        wide.Enum64("mode", ("OFF", 5), ("ON", 7));
        Assert.That(Resolve(local, le, "0", CoreRelocationKind.TypeMatches, wide.Build()).NewValue, Is.EqualTo(0), "size differs");

        var missing = new CoreBtf();
        missing.Enum("mode", 4, ("OFF", 5), ("AUTO", 6));
        Assert.That(Resolve(local, le, "0", CoreRelocationKind.TypeMatches, missing.Build()).NewValue, Is.EqualTo(0), "ON is missing");
    }

    // local: enum color { RED = 0, GREEN = 1, BLUE___x = 5 }
    private static (BtfSpec Btf, uint Color) LocalColor()
    {
        var l = new CoreBtf();
        uint color = l.Enum("color", 4, ("RED", 0), ("GREEN", 1), ("BLUE___x", 5));
        return (l.Build(), color);
    }

    private static BtfSpec TargetColor()
    {
        var t = new CoreBtf();
        t.Enum("color", 4, ("BLUE", 7), ("RED", -1));
        return t.Build();
    }

    [Test]
    public void EnumeratorValues()
    {
        var (local, color) = LocalColor();
        var target = TargetColor();
        var red = Resolve(local, color, "0", CoreRelocationKind.EnumValue, target);
        Assert.That((red.OriginalValue, red.NewValue), Is.EqualTo((0UL, ulong.MaxValue)), "32-bit values are sign-extended, as libbpf does");
        Assert.That(Resolve(local, color, "2", CoreRelocationKind.EnumValue, target).NewValue, Is.EqualTo(7), "flavor stripped from the enumerator");
        Assert.That(Resolve(local, color, "0", CoreRelocationKind.EnumValueExists, target).NewValue, Is.EqualTo(1));
    }

    [Test]
    public void MissingEnumeratorPoisonsItsValueOnly()
    {
        var (local, color) = LocalColor();
        var target = TargetColor();
        Assert.That(Resolve(local, color, "1", CoreRelocationKind.EnumValue, target).Poison, Is.True);
        var exists = Resolve(local, color, "1", CoreRelocationKind.EnumValueExists, target);
        Assert.That((exists.Poison, exists.NewValue), Is.EqualTo((false, 0UL)));
        Assert.That(Resolve(local, color, "1", CoreRelocationKind.EnumValueExists, new CoreBtf().Build()).NewValue, Is.EqualTo(0), "no candidate");
    }

    [Test]
    public void EnumeratorIndexMustExistLocally()
    {
        var (local, color) = LocalColor();
        Assert.Throws<CoreRelocationException>(() => Resolve(local, color, "3", CoreRelocationKind.EnumValue, TargetColor()));
        Assert.Throws<CoreRelocationException>(() => Resolve(local, color, "0:1", CoreRelocationKind.EnumValue, TargetColor()));
    }
}
