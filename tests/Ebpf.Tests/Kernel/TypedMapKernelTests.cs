using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary><see cref="TypedMap{TKey, TValue}"/> and <see cref="PerCpuMap{TKey, TValue}"/> over real maps.</summary>
[Category("Kernel")]
public sealed class TypedMapKernelTests
{
    [Test]
    public void ATypedMapRoundTripsAndIterates()
    {
        using var map = Map.Create(new MapSpec { Name = "typed_hash", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 8 });
        var typed = new TypedMap<uint, ulong>(map);

        typed.Update(1, 10);
        typed.Update(2, 20);
        Assert.That(typed.TryUpdate(2, 21, MapUpdateFlags.NoExist), Is.False);
        Assert.That(typed.Lookup(2), Is.EqualTo(20UL));
        Assert.That(typed.TryLookup(3, out _), Is.False);
        Assert.That(typed.Entries().OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), Is.EqualTo(new[] { (1u, 10UL), (2u, 20UL) }));
        Assert.That(typed.Keys().Order(), Is.EqualTo(new[] { 1u, 2u }));
        Assert.That(typed.TryLookupAndDelete(1, out ulong removed) && removed == 10, Is.True);
        typed.Delete(2);
        Assert.That(typed.TryDelete(2), Is.False);
        Assert.That(() => typed.Lookup(2), Throws.TypeOf<EbpfKeyNotFoundException>());

        Map raw = typed;
        Assert.That(raw, Is.SameAs(map));
        Assert.That(typed.ToMap(), Is.SameAs(map));
        Assert.That(typed == new TypedMap<uint, ulong>(map), Is.True);
    }

    [Test]
    public void ATypedMapChecksSizes()
    {
        using var map = Map.Create(new MapSpec { Name = "typed_size", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 8 });
        var wrong = new TypedMap<uint, uint>(map);
        Assert.That(() => wrong.Update(1, 1), Throws.ArgumentException);
    }

    [Test]
    public void APerCpuMapHoldsOneValuePerCpu()
    {
        Features.Default.HaveMapType(BpfMapType.PercpuArray);
        using var map = Map.Create(new MapSpec { Name = "typed_pcpu", Type = BpfMapType.PercpuArray, KeySize = 4, ValueSize = 4, MaxEntries = 4 });
        var perCpu = new PerCpuMap<uint, uint>(map);
        var values = Enumerable.Range(1, PossibleCpus.Count).Select(i => (uint)(i * 3)).ToArray();

        perCpu.Update(2, values);
        Assert.That(perCpu.Lookup(2), Is.EqualTo(values));
        var read = new uint[PossibleCpus.Count];
        Assert.That(perCpu.TryLookup(2, read), Is.True);
        Assert.That(read, Is.EqualTo(values));
        Assert.That(perCpu.Keys().Count(), Is.EqualTo(4));
        Assert.That(((Map)perCpu).Type, Is.EqualTo(BpfMapType.PercpuArray));
    }
}
