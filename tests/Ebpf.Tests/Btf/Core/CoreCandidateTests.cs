using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

/// <summary>Candidate search: same kind (enum and enum64 alike), same essential name, vmlinux before modules.</summary>
public class CoreCandidateTests
{
    [Test]
    public void FlavorsAreStrippedOnBothSides()
    {
        var l = new CoreBtf();
        uint i = l.Int("int", 4, signed: true);
        uint local = l.Struct("task___mine", 4, ("pid", i, 0));
        var t = new CoreBtf();
        uint ti = t.Int("int", 4, signed: true);
        uint task = t.Struct("task", 4, ("pid", ti, 0));
        t.Typedef("task", task);                            // another kind: not a candidate
        t.Struct("taskx", 4, ("pid", ti, 0));               // another name
        uint v2 = t.Struct("task___v2", 4, ("pid", ti, 0));
        t.Struct("task___a___b", 4, ("pid", ti, 0));        // essential name task___a
        var target = t.Build();

        var candidates = new CoreRelocator(l.Build(), [target]).FindCandidates(local);

        Assert.That(candidates, Is.EqualTo(new[] { new CoreCandidate(target, task), new CoreCandidate(target, v2) }));
    }

    [Test]
    public void EnumFindsEnum64()
    {
        var l = new CoreBtf();
        uint local = l.Enum("color", 4, ("RED", 0));
        var t = new CoreBtf();
        uint e64 = t.Enum64("color", ("RED", 1L << 40));
        var target = t.Build();

        var relocator = new CoreRelocator(l.Build(), [target]);

        Assert.That(relocator.FindCandidates(local), Is.EqualTo(new[] { new CoreCandidate(target, e64) }));
        var value = relocator.Resolve(new CoreRelocation(0, local, 0, "0", CoreRelocationKind.EnumValue));
        Assert.That(value.NewValue, Is.EqualTo(1UL << 40));
    }

    [Test]
    public void ModulesAreSearchedOnlyWhenVmlinuxHasNoCandidate()
    {
        var v = new CoreBtf();
        uint vi = v.Int("int", 4, signed: true);
        uint vTask = v.Struct("task", 4, ("pid", vi, 0));
        var vmlinux = v.Build();
        var m = CoreBtf.SplitOn(vmlinux);
        uint mTask = m.Struct("task", 8, ("x", vi, 0), ("pid", vi, 32));
        uint mDev = m.Struct("testmod_dev", 8, ("x", vi, 0), ("id", vi, 32));
        var module = m.Build();

        var l = new CoreBtf();
        uint li = l.Int("int", 4, signed: true);
        uint lTask = l.Struct("task", 4, ("pid", li, 0));
        uint lDev = l.Struct("testmod_dev", 4, ("id", li, 0));
        var relocator = new CoreRelocator(l.Build(), [vmlinux, module]);

        Assert.That(relocator.FindCandidates(lTask), Is.EqualTo(new[] { new CoreCandidate(vmlinux, vTask) }), "vmlinux wins");
        Assert.That(relocator.FindCandidates(lDev), Is.EqualTo(new[] { new CoreCandidate(module, mDev) }));
        var offset = relocator.Resolve(new CoreRelocation(0, lDev, 0, "0:0", CoreRelocationKind.FieldByteOffset));
        Assert.That(offset.NewValue, Is.EqualTo(4));
        Assert.That(offset.Target, Is.EqualTo(new CoreCandidate(module, mDev)));
        _ = mTask;
    }

    [Test]
    public void CandidatesNarrowToTheOnesThatMatched()
    {
        var l = new CoreBtf();
        uint li = l.Int("int", 4, signed: true);
        uint local = l.Struct("task", 8, ("pid", li, 0), ("tgid", li, 32));
        var t = new CoreBtf();
        uint ti = t.Int("int", 4, signed: true);
        t.Struct("task___old", 4, ("tgid", ti, 0));
        uint current = t.Struct("task", 8, ("pid", ti, 0), ("tgid", ti, 32));
        var target = t.Build();
        var relocator = new CoreRelocator(l.Build(), [target]);
        Assert.That(relocator.FindCandidates(local), Has.Count.EqualTo(2));

        relocator.Resolve(new CoreRelocation(0, local, 0, "0:0", CoreRelocationKind.FieldByteOffset));

        Assert.That(relocator.FindCandidates(local), Is.EqualTo(new[] { new CoreCandidate(target, current) }));

        // the narrowed list no longer disagrees about tgid (4 in task, 0 in task___old)
        var tgid = relocator.Resolve(new CoreRelocation(0, local, 0, "0:1", CoreRelocationKind.FieldByteOffset));
        Assert.That(tgid.NewValue, Is.EqualTo(4));
    }

    [Test]
    public void AnonymousLocalTypesAreRejected()
    {
        var l = new CoreBtf();
        uint li = l.Int("int", 4, signed: true);
        uint anon = l.Struct("", 4, ("pid", li, 0));
        var relocator = new CoreRelocator(l.Build(), [new CoreBtf().Build()]);

        Assert.Throws<CoreRelocationException>(() => relocator.Resolve(new CoreRelocation(0, anon, 0, "0:0", CoreRelocationKind.FieldByteOffset)));
        var local = relocator.Resolve(new CoreRelocation(0, anon, 0, "0", CoreRelocationKind.TypeIdLocal));
        Assert.That(local.NewValue, Is.EqualTo(anon), "a local type id needs no candidate");
    }
}
