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
        OptionalStep.Run(
            "BPF_MAP_LOOKUP_AND_DELETE_ELEM on a hash map",
            () => Assert.That(typed.TryLookupAndDelete(1, out ulong removed) && removed == 10, Is.True),
            () => typed.Delete(1));
        typed.Delete(2);
        Assert.That(typed.TryDelete(2), Is.False);
        Assert.That(() => typed.Lookup(2), Throws.TypeOf<EbpfKeyNotFoundException>());

        Map raw = typed;
        Assert.That(raw, Is.SameAs(map));
        Assert.That(typed.ToMap(), Is.SameAs(map));
        Assert.That(typed == new TypedMap<uint, ulong>(map), Is.True);
        using var other = Map.Create(new MapSpec { Name = "typed_other", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 8 });
        Assert.That(typed != new TypedMap<uint, ulong>(other), Is.True);
        Assert.That(typed.GetHashCode(), Is.EqualTo(new TypedMap<uint, ulong>(map).GetHashCode()));
        Assert.That(default(TypedMap<uint, ulong>).Equals(default), Is.True);
        Assert.That(new PerCpuMap<uint, ulong>(map).Equals((object)new PerCpuMap<uint, ulong>(map)), Is.True);
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

    [Test]
    public void ATypedMapBatchesRoundTrip()
    {
        using var map = Map.Create(new MapSpec { Name = "typed_batch", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 256 });
        var typed = new TypedMap<uint, ulong>(map);
        var keys = Enumerable.Range(0, 200).Select(i => (uint)i).ToArray();
        var values = keys.Select(k => k * 10UL).ToArray();

        Assert.That(typed.UpdateBatch(keys, values), Is.EqualTo(200));
        Assert.That(ReadAll(typed, delete: false), Is.EqualTo(keys.Zip(values).ToDictionary(p => p.First, p => p.Second)));

        Assert.That(typed.DeleteBatch(keys.AsSpan(0, 50)), Is.EqualTo(50));
        Assert.That(typed.TryLookup(10, out _), Is.False);
        OptionalStep.Run(
            "BPF_MAP_LOOKUP_AND_DELETE_ELEM on a hash map",
            () => Assert.That(typed.LookupAndDelete(60), Is.EqualTo(600UL)),
            () => typed.Delete(60));
        var drained = ReadAll(typed, delete: true);
        Assert.That(drained, Has.Count.EqualTo(149));
        Assert.That(drained[150], Is.EqualTo(1500UL));
        Assert.That(typed.Keys(), Is.Empty);
    }

    [Test]
    public void ATypedMapBatchChecksLengthsAndTypes()
    {
        using var map = Map.Create(new MapSpec { Name = "typed_bchk", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 8 });
        var cursor = default(MapBatchCursor);
        Assert.That(() => new TypedMap<uint, ulong>(map).UpdateBatch(new uint[2], new ulong[3]), Throws.ArgumentException);
        Assert.That(() => new TypedMap<uint, ulong>(map).UpdateBatch(new uint[2], new ulong[2], MapUpdateFlags.NoExist), Throws.ArgumentException.With.Message.Contains("single updates"));
        Assert.That(() => new TypedMap<uint, uint>(map).UpdateBatch(new uint[2], new uint[4]), Throws.ArgumentException, "4-byte values of an 8-byte map");
        Assert.That(() => new TypedMap<ulong, ulong>(map).DeleteBatch(new ulong[2]), Throws.ArgumentException, "8-byte keys of a 4-byte map");
        Assert.That(() => new TypedMap<uint, ulong>(map).LookupBatch(ref cursor, new uint[4], new ulong[2]), Throws.ArgumentException);
    }

    [TestCase(BpfMapType.PercpuHash)]
    [TestCase(BpfMapType.LruPercpuHash)]
    [TestCase(BpfMapType.PercpuArray)]
    public void APerCpuMapBatchesPaddedValues(BpfMapType type)
    {
        // 4-byte values: the kernel pads each CPU's slot to 8 bytes, the view packs them.
        Features.Default.HaveMapType(type);
        using var map = Map.Create(new MapSpec { Name = "typed_pcpu_b4", Type = type, KeySize = 4, ValueSize = 4, MaxEntries = 64 });
        RoundTripPerCpu(new PerCpuMap<uint, uint>(map), 64, (k, cpu) => k * 1000 + (uint)cpu, deletes: type != BpfMapType.PercpuArray);
    }

    [Test]
    public void APerCpuMapBatchesAlignedValues()
    {
        Features.Default.HaveMapType(BpfMapType.PercpuHash);
        using var map = Map.Create(new MapSpec { Name = "typed_pcpu_b16", Type = BpfMapType.PercpuHash, KeySize = 4, ValueSize = 16, MaxEntries = 64 });
        RoundTripPerCpu(new PerCpuMap<uint, Pair>(map), 40, (k, cpu) => new Pair(k, (ulong)cpu), deletes: true);
    }

    [Test]
    public unsafe void APerCpuBatchOfAlignedValuesAllocatesNothing()
    {
        Features.Default.HaveMapType(BpfMapType.PercpuHash);
        using var map = Map.Create(new MapSpec { Name = "typed_pcpu_al", Type = BpfMapType.PercpuHash, KeySize = 4, ValueSize = 8, MaxEntries = 16 });
        var perCpu = new PerCpuMap<uint, ulong>(map);
        var keys = new uint[16];
        var values = new ulong[16 * PossibleCpus.Count];
        for (uint i = 0; i < 16; i++)
        {
            keys[i] = i;
        }

        perCpu.UpdateBatch(keys, values);
        long before = 0;
        for (int round = 0; round < 2; round++)
        {
            // The first round warms up; the second one is measured.
            before = GC.GetAllocatedBytesForCurrentThread();
            var cursor = default(MapBatchCursor);
            while (!cursor.IsDone)
            {
                perCpu.LookupBatch(ref cursor, keys, values);
            }

            perCpu.UpdateBatch(keys, values);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void APerCpuMapBatchChecksLengths()
    {
        Features.Default.HaveMapType(BpfMapType.PercpuHash);
        using var map = Map.Create(new MapSpec { Name = "typed_pcpu_chk", Type = BpfMapType.PercpuHash, KeySize = 4, ValueSize = 4, MaxEntries = 8 });
        var perCpu = new PerCpuMap<uint, uint>(map);
        var cursor = default(MapBatchCursor);
        var e = Assert.Throws<ArgumentException>(() => perCpu.UpdateBatch(new uint[2], new uint[2]))!;
        Assert.That(e.Message, Does.Contain("each of 2 keys"));
        Assert.That(() => perCpu.LookupBatch(ref cursor, new uint[2], new uint[(2 * PossibleCpus.Count) + 1]), Throws.ArgumentException);
        Assert.That(() => new PerCpuMap<uint, ulong>(map).LookupBatch(ref cursor, new uint[2], new ulong[2 * PossibleCpus.Count]), Throws.ArgumentException);
        using var plain = Map.Create(new MapSpec { Name = "typed_plain", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 8 });
        Assert.That(() => new PerCpuMap<uint, uint>(plain).UpdateBatch(new uint[1], new uint[PossibleCpus.Count]), Throws.ArgumentException);
    }

    [Test]
    public void PerCpuEntriesHoldEveryCpusValues()
    {
        Features.Default.HaveMapType(BpfMapType.PercpuHash);
        using var map = Map.Create(new MapSpec { Name = "typed_pcpu_ent", Type = BpfMapType.PercpuHash, KeySize = 4, ValueSize = 4, MaxEntries = 8 });
        var perCpu = new PerCpuMap<uint, uint>(map);
        int cpus = PossibleCpus.Count;
        for (uint k = 1; k <= 3; k++)
        {
            perCpu.Update(k, Enumerable.Range(0, cpus).Select(cpu => (k * 100) + (uint)cpu).ToArray());
        }

        var entries = perCpu.Entries().OrderBy(e => e.Key).ToList();
        Assert.That(entries.Select(e => e.Key), Is.EqualTo(new[] { 1u, 2u, 3u }));
        foreach (var entry in entries)
        {
            Assert.That(entry.Value, Is.EqualTo(Enumerable.Range(0, cpus).Select(cpu => (entry.Key * 100) + (uint)cpu)));
        }

        Assert.That(entries.Select(e => e.Value).Distinct().Count(), Is.EqualTo(3), "each entry has its own array");
        var taken = new uint[cpus];
        OptionalStep.Run(
            "BPF_MAP_LOOKUP_AND_DELETE_ELEM on a per-CPU hash map",
            () =>
            {
                Assert.That(perCpu.TryLookupAndDelete(2, taken), Is.True);
                Assert.That(taken, Is.EqualTo(Enumerable.Range(0, cpus).Select(cpu => 200u + (uint)cpu)));
                Assert.That(perCpu.TryLookupAndDelete(2, taken), Is.False);
            },
            () => perCpu.Delete(2));
        Assert.That(() => new PerCpuMap<uint, ulong>(map).Entries(), Throws.ArgumentException);
        Assert.That(() => map.Entries<uint, uint>(), Throws.ArgumentException.With.Message.Contains("EntriesPerCpu"));
    }

    private static Dictionary<uint, ulong> ReadAll(TypedMap<uint, ulong> typed, bool delete)
    {
        var read = new Dictionary<uint, ulong>();
        var cursor = default(MapBatchCursor);
        var keys = new uint[64];
        var values = new ulong[64];
        while (!cursor.IsDone)
        {
            int n = delete ? typed.LookupAndDeleteBatch(ref cursor, keys, values) : typed.LookupBatch(ref cursor, keys, values);
            for (int i = 0; i < n; i++)
            {
                read.Add(keys[i], values[i]);
            }
        }

        return read;
    }

    private static void RoundTripPerCpu<TValue>(PerCpuMap<uint, TValue> perCpu, int count, Func<uint, int, TValue> value, bool deletes)
        where TValue : unmanaged
    {
        int cpus = PossibleCpus.Count;
        var keys = Enumerable.Range(0, count).Select(i => (uint)i).ToArray();
        var values = keys.SelectMany(k => Enumerable.Range(0, cpus).Select(cpu => value(k, cpu))).ToArray();
        // Batches are the subject: a kernel without them for this map type (per-CPU arrays before 5.13) skips the test.
        Assert.That(KernelRefusal.Run($"batch operations on {((Map)perCpu).Type}", () => perCpu.UpdateBatch(keys, values)), Is.EqualTo(count));

        var one = new TValue[cpus];
        perCpu.Lookup(7, one);
        Assert.That(one, Is.EqualTo(values.AsSpan(7 * cpus, cpus).ToArray()), "a batch write is read back by the per-key lookup");

        var read = new Dictionary<uint, TValue[]>();
        var cursor = default(MapBatchCursor);
        var outKeys = new uint[16];
        var outValues = new TValue[16 * cpus];
        while (!cursor.IsDone)
        {
            int n = perCpu.LookupBatch(ref cursor, outKeys, outValues);
            for (int i = 0; i < n; i++)
            {
                read.Add(outKeys[i], outValues.AsSpan(i * cpus, cpus).ToArray());
            }
        }

        Assert.That(read.Keys.Order(), Is.EqualTo(keys));
        foreach (var (key, perKey) in read)
        {
            Assert.That(perKey, Is.EqualTo(values.AsSpan((int)key * cpus, cpus).ToArray()), $"key {key}");
        }

        Assert.That(perCpu.Entries().ToDictionary(e => e.Key, e => e.Value), Is.EqualTo(read));
        if (deletes)
        {
            cursor = default;
            int drained = 0;
            while (!cursor.IsDone)
            {
                drained += perCpu.LookupAndDeleteBatch(ref cursor, outKeys, outValues);
            }

            Assert.That(drained, Is.EqualTo(count));
            Assert.That(perCpu.Keys(), Is.Empty);
        }
    }

    private readonly record struct Pair(ulong A, ulong B);
}
