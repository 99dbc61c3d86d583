using System.Runtime.InteropServices;
using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Btf.Marshaling;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary><see cref="Map"/> element operations on the running kernel.</summary>
[Category("Kernel")]
public sealed class MapKernelTests
{
    private static MapSpec HashSpec(uint maxEntries = 16, string name = "hash") =>
        new() { Name = name, Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = maxEntries };

    [StructLayout(LayoutKind.Sequential)]
    private struct LpmKey
    {
        public uint PrefixLength;
        public uint Address;
    }

    [Test]
    public void HashMapElementOperations()
    {
        using var map = Map.Create(HashSpec());
        map.Update(1u, 10UL);
        map.Update(2u, 20UL, MapUpdateFlags.NoExist);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(map.Lookup<uint, ulong>(1), Is.EqualTo(10UL));
            Assert.That(map.TryLookup(2u, out ulong two) && two == 20, Is.True);
            Assert.That(map.TryLookup(3u, out ulong _), Is.False);
            Assert.Throws<EbpfKeyNotFoundException>(() => map.Lookup<uint, ulong>(3));
            Assert.That(map.TryUpdate(1u, 11UL, MapUpdateFlags.NoExist), Is.False);
            Assert.That(map.TryUpdate(3u, 30UL, MapUpdateFlags.Exist), Is.False);
            Assert.That(Assert.Throws<EbpfException>(() => map.Update(1u, 11UL, MapUpdateFlags.NoExist))!.Errno, Is.EqualTo(Errno.EEXIST));
        }

        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[8];
        BitConverter.TryWriteBytes(key, 1u);
        map.Lookup(key, value);
        Assert.That(BitConverter.ToUInt64(value), Is.EqualTo(10UL));

        Assert.That(map.TryGetFirstKey(out uint first), Is.True);
        Assert.That(map.TryGetNextKey(first, out uint second), Is.True);
        Assert.That(new[] { first, second }, Is.EquivalentTo(new[] { 1u, 2u }));
        Assert.That(map.TryGetNextKey(second, out uint _), Is.False);
        Assert.Throws<EbpfKeyNotFoundException>(() => map.NextKey(second));

        OptionalStep.Run(
            "BPF_MAP_LOOKUP_AND_DELETE_ELEM on a hash map",
            () =>
            {
                Assert.That(map.LookupAndDelete<uint, ulong>(1), Is.EqualTo(10UL));
                Assert.That(map.TryLookupAndDelete(1u, out ulong _), Is.False);
            },
            () => map.Delete(1u));
        map.Delete(2u);
        Assert.That(map.TryDelete(2u), Is.False);
        Assert.Throws<EbpfKeyNotFoundException>(() => map.Delete(2u));
        Assert.That(map.TryGetFirstKey(out uint _), Is.False);
    }

    [Test]
    public void FullHashMapRefusesNewKeys()
    {
        using var map = Map.Create(HashSpec(maxEntries: 2));
        map.Update(1u, 1UL);
        map.Update(2u, 2UL);
        Assert.That(map.TryUpdate(3u, 3UL), Is.False);
        Assert.That(Assert.Throws<EbpfException>(() => map.Update(3u, 3UL))!.Errno, Is.EqualTo(Errno.E2BIG));
    }

    [Test]
    public void LruHashEvictsInsteadOfFailing()
    {
        using var map = Map.Create(new MapSpec { Name = "lru", Type = BpfMapType.LruHash, KeySize = 4, ValueSize = 8, MaxEntries = 64 });
        for (uint i = 0; i < 1000; i++)
        {
            map.Update(i, (ulong)i);
        }

        Assert.That(map.Keys<uint>().Count(), Is.LessThanOrEqualTo(1000));
        Assert.That(map.Lookup<uint, ulong>(999), Is.EqualTo(999UL));
    }

    [Test]
    public void ArrayEntriesAndKeys()
    {
        using var map = Map.Create(new MapSpec { Name = "array", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 8 });
        for (uint i = 0; i < 8; i++)
        {
            map.Update(i, i * i);
        }

        Assert.That(map.Keys<uint>(), Is.EqualTo(Enumerable.Range(0, 8).Select(i => (uint)i)));
        Assert.That(map.Entries<uint, uint>().Select(e => e.Value), Is.EqualTo(Enumerable.Range(0, 8).Select(i => (uint)(i * i))));
        Assert.Throws<ArgumentException>(() => map.Entries<ulong, uint>());
        Assert.That(Assert.Throws<EbpfException>(() => map.Delete(1u))!.Errno, Is.EqualTo(Errno.EINVAL));
    }

    [Test]
    public void LpmTrieMatchesTheLongestPrefix()
    {
        var spec = new MapSpec { Name = "lpm", Type = BpfMapType.LpmTrie, KeySize = 8, ValueSize = 8, MaxEntries = 16, Flags = BpfMapFlags.NoPrealloc };
        using var map = Map.Create(spec);
        map.Update(new LpmKey { PrefixLength = 8, Address = 0x0000000a }, 8UL);
        map.Update(new LpmKey { PrefixLength = 16, Address = 0x0000010a }, 16UL);
        Assert.That(map.Lookup<LpmKey, ulong>(new LpmKey { PrefixLength = 32, Address = 0x0501010a }), Is.EqualTo(16UL));
        Assert.That(map.Lookup<LpmKey, ulong>(new LpmKey { PrefixLength = 32, Address = 0x0502020a }), Is.EqualTo(8UL));
        Assert.That(map.TryLookup(new LpmKey { PrefixLength = 32, Address = 0x0b }, out ulong _), Is.False);
        Assert.That(map.Keys<LpmKey>().Count(), Is.EqualTo(2));
    }

    [Test]
    public void PerCpuArrayHoldsOneValuePerCpu()
    {
        Features.Default.HaveMapType(BpfMapType.PercpuArray);
        using var map = Map.Create(new MapSpec { Name = "pcpu_array", Type = BpfMapType.PercpuArray, KeySize = 4, ValueSize = 4, MaxEntries = 4 });
        int cpus = PossibleCpus.Count;
        Assert.That(map.ValueStride, Is.EqualTo(cpus * 8), "4-byte values take 8 bytes per CPU");

        var values = Enumerable.Range(1, cpus).Select(i => (uint)(i * 100)).ToArray();
        map.UpdatePerCpu(2u, values.AsSpan());
        var read = new uint[cpus];
        map.LookupPerCpu(2u, read.AsSpan());
        Assert.That(read, Is.EqualTo(values));

        var raw = new byte[map.ValueStride];
        map.Lookup(BitConverter.GetBytes(2u), raw);
        Assert.That(BitConverter.ToUInt32(raw, 8 * (cpus - 1)), Is.EqualTo(values[^1]));
        var e = Assert.Throws<ArgumentException>(() => map.Lookup<uint, uint>(2))!;
        Assert.That(e.Message, Does.Contain("per-CPU"));
    }

    [Test]
    public void PerCpuHashWithEightByteValues()
    {
        using var map = Map.Create(new MapSpec { Name = "pcpu_hash", Type = BpfMapType.PercpuHash, KeySize = 4, ValueSize = 8, MaxEntries = 4 });
        var values = Enumerable.Range(0, PossibleCpus.Count).Select(i => (ulong)i + 7).ToArray();
        map.UpdatePerCpu(5u, (ReadOnlySpan<ulong>)values);
        var read = new ulong[PossibleCpus.Count];
        Assert.That(map.TryLookupPerCpu(5u, read.AsSpan()), Is.True);
        Assert.That(read, Is.EqualTo(values));
        Assert.That(map.TryLookupPerCpu(6u, read.AsSpan()), Is.False);
        Assert.That(map.Keys<uint>(), Is.EqualTo(new[] { 5u }));
    }

    [Test]
    public void QueueIsFirstInFirstOutAndStackLastInFirstOut()
    {
        using var queue = Map.Create(new MapSpec { Name = "queue", Type = BpfMapType.Queue, ValueSize = 8, MaxEntries = 3 });
        using var stack = Map.Create(new MapSpec { Name = "stack", Type = BpfMapType.Stack, ValueSize = 8, MaxEntries = 3 });
        foreach (var m in new[] { queue, stack })
        {
            m.Push(1UL);
            m.Push(2UL);
            m.Push(3UL);
            Assert.That(Assert.Throws<EbpfException>(() => m.Push(4UL))!.Errno, Is.EqualTo(Errno.E2BIG));
        }

        queue.Push(4UL, MapUpdateFlags.Exist); // drops the oldest
        Assert.That(queue.TryPeek(out ulong head) ? head : 0, Is.EqualTo(2UL));
        var popped = new List<ulong>();
        while (queue.TryPop(out ulong v))
        {
            popped.Add(v);
        }

        Assert.That(popped, Is.EqualTo(new ulong[] { 2, 3, 4 }));
        Span<byte> raw = stackalloc byte[8];
        Assert.That(stack.TryPop(raw), Is.True);
        Assert.That(BitConverter.ToUInt64(raw), Is.EqualTo(3UL));
        Assert.That(stack.TryPop(out ulong next) ? next : 0, Is.EqualTo(2UL));
        Assert.Throws<ArgumentException>(() => queue.Push(1u));
    }

    [Test]
    public void BloomFilterContainsWhatWasPushed()
    {
        if (!Features.IsSupported(() => Features.Default.HaveMapType(BpfMapType.BloomFilter)))
        {
            Assert.Ignore("BPF_MAP_TYPE_BLOOM_FILTER: not supported by this kernel");
        }

        using var bloom = Map.Create(new MapSpec { Name = "bloom", Type = BpfMapType.BloomFilter, ValueSize = 8, MaxEntries = 100, MapExtra = 3 });
        for (ulong i = 0; i < 50; i++)
        {
            bloom.Push(i * 1000);
        }

        Assert.That(Enumerable.Range(0, 50).All(i => bloom.MayContain((ulong)i * 1000)), Is.True);
    }

    [Test]
    public void BatchOperationsWalkTheWholeMap()
    {
        const int count = 10_000;
        using var map = Map.Create(HashSpec(maxEntries: count, name: "batch"));
        var keys = Enumerable.Range(0, count).Select(i => (uint)i).ToArray();
        var values = keys.Select(k => (ulong)k * 3).ToArray();
        Assert.That(map.UpdateBatch<uint, ulong>(keys, values), Is.EqualTo(count));

        var cursor = default(MapBatchCursor);
        var outKeys = new uint[1000];
        var outValues = new ulong[1000];
        var seen = new Dictionary<uint, ulong>();
        while (!cursor.IsDone)
        {
            int n = map.LookupBatch(ref cursor, outKeys.AsSpan(), outValues.AsSpan());
            for (int i = 0; i < n; i++)
            {
                seen.Add(outKeys[i], outValues[i]);
            }
        }

        Assert.That(seen, Has.Count.EqualTo(count));
        Assert.That(seen.All(kv => kv.Value == kv.Key * 3UL), Is.True);
        Assert.That(map.LookupBatch(ref cursor, outKeys.AsSpan(), outValues.AsSpan()), Is.Zero, "a finished cursor reads nothing");

        Assert.That(map.DeleteBatch<uint>(keys.AsSpan(0, 100)), Is.EqualTo(100));
        Assert.That(map.DeleteBatch<uint>(keys.AsSpan(50, 100)), Is.Zero, "stops at the first missing key");

        cursor = default;
        int drained = 0;
        while (!cursor.IsDone)
        {
            drained += map.LookupAndDeleteBatch(ref cursor, outKeys.AsSpan(), outValues.AsSpan());
        }

        Assert.That(drained, Is.EqualTo(count - 100));
        Assert.That(map.TryGetFirstKey(out uint _), Is.False);
        Assert.Throws<ArgumentException>(() => map.LookupBatch(ref cursor, outKeys.AsSpan(), outValues.AsSpan(0, 10)));
    }

    [Test]
    public void TooSmallBatchBufferIsAClearError()
    {
        using var map = Map.Create(HashSpec(maxEntries: 64, name: "batch_small"));
        for (uint i = 0; i < 64; i++)
        {
            map.Update(i, 0UL);
        }

        // A one-element buffer is smaller than any bucket holding two keys; walk until such a bucket comes.
        var cursor = default(MapBatchCursor);
        var keys = new uint[1];
        var values = new ulong[1];
        try
        {
            while (!cursor.IsDone)
            {
                map.LookupBatch(ref cursor, keys.AsSpan(), values.AsSpan());
            }

            Assert.Pass("no bucket held two keys");
        }
        catch (ArgumentException e)
        {
            Assert.That(e.Message, Does.Contain("smaller than one hash bucket"));
        }
    }

    [Test]
    public void BatchOnArrays()
    {
        using var map = Map.Create(new MapSpec { Name = "batch_array", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 10 });
        uint[] keys = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        uint[] values = [.. keys.Select(k => k + 100)];
        map.UpdateBatch<uint, uint>(keys, values);
        var cursor = default(MapBatchCursor);
        var outKeys = new uint[4];
        var outValues = new uint[4];
        var all = new List<uint>();
        while (!cursor.IsDone)
        {
            int n = map.LookupBatch(ref cursor, outKeys.AsSpan(), outValues.AsSpan());
            all.AddRange(outValues.Take(n));
        }

        Assert.That(all, Is.EqualTo(values));
    }

    [Test]
    public void KeyWalkSurvivesConcurrentDeletionWithoutDuplicates()
    {
        const int count = 20_000;
        using var map = Map.Create(HashSpec(maxEntries: count, name: "walk"));
        var keys = Enumerable.Range(0, count).Select(i => (uint)i).ToArray();
        map.UpdateBatch<uint, ulong>(keys, keys.Select(k => (ulong)k).ToArray());

        using var deleter = map.Clone();
        var started = new ManualResetEventSlim();
        var task = Task.Run(() =>
        {
            started.Set();
            for (uint k = 1; k < count; k += 2)
            {
                deleter.TryDelete(k);
            }
        });
        started.Wait();
        var walked = new List<uint>();
        foreach (var entry in map.Entries<uint, ulong>())
        {
            walked.Add(entry.Key);
            Assert.That(entry.Value, Is.EqualTo((ulong)entry.Key));
        }

        task.Wait();
        using var scope = Assert.EnterMultipleScope();
        Assert.That(walked, Is.Unique);
        Assert.That(walked.Where(k => k % 2 == 0).Count(), Is.EqualTo(count / 2), "keys never deleted are all seen");
        Assert.That(map.Keys<uint>().Count(), Is.EqualTo(count / 2));
    }

    [Test]
    public void FrozenMapRejectsUserSpaceWrites()
    {
        var spec = new MapSpec
        {
            Name = ".rodata",
            Type = BpfMapType.Array,
            KeySize = 4,
            ValueSize = 8,
            MaxEntries = 1,
            Flags = BpfMapFlags.RdonlyProg,
            Contents = [new MapEntry(new byte[4], BitConverter.GetBytes(0x1122334455667788UL))],
            Freeze = true,
        };
        using var map = Map.Create(spec);
        Assert.That(map.Lookup<uint, ulong>(0), Is.EqualTo(0x1122334455667788UL));
        var refused = Assert.Throws<EbpfPermissionException>(() => map.Update(0u, 1UL))!;
        Assert.That(refused.Errno, Is.EqualTo(Errno.EPERM));
        Assert.That(refused.Message, Does.Contain("a frozen map").And.Not.Contain("CAP_"), "not blamed on privileges");
        Assert.Catch<EbpfException>(() => map.Freeze(), "a frozen map cannot be frozen again");
    }

    [Test]
    public void MmapableArrayMemorySharesTheValues()
    {
        if (!Features.IsSupported(() => Features.Default.HaveMapFlag(BpfMapFlags.Mmapable)))
        {
            Assert.Ignore("BPF_F_MMAPABLE: not supported by this kernel");
        }

        using var map = Map.Create(new MapSpec { Name = "mmap", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1000, Flags = BpfMapFlags.Mmapable });
        using (var memory = map.Memory())
        {
            Assert.That(memory.ElementSize, Is.EqualTo(8));
            Assert.That(memory.Length, Is.EqualTo(8000));
            BitConverter.TryWriteBytes(memory.Element(999), 4242u);
            map.Update(3u, 77u);
            Assert.That(map.Lookup<uint, uint>(999), Is.EqualTo(4242u));
            Assert.That(BitConverter.ToUInt32(memory.ReadOnlySpan.Slice(3 * 8, 4)), Is.EqualTo(77u));
            Assert.Throws<ArgumentOutOfRangeException>(() => memory.Element(1000));
        }

        map.Freeze();
        Assert.Throws<EbpfPermissionException>(() => map.Memory(writable: true).Dispose());
        using var readOnly = map.Memory(writable: false);
        Assert.That(BitConverter.ToUInt32(readOnly.ReadOnlySpan.Slice(999 * 8, 4)), Is.EqualTo(4242u));
        Assert.Throws<InvalidOperationException>(() => _ = readOnly.Span.Length);
        readOnly.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = readOnly.ReadOnlySpan.Length);
    }

    [Test]
    public void CloneOpenByIdAndInfo()
    {
        using var map = Map.Create(HashSpec(name: "a_long_map_name_here"));
        map.Update(7u, 70UL);
        var info = map.Info();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info.Id, Is.Not.Zero);
            Assert.That(info.Type, Is.EqualTo(BpfMapType.Hash));
            Assert.That(info.KeySize, Is.EqualTo(4));
            Assert.That(info.ValueSize, Is.EqualTo(8));
            Assert.That(info.Name.ToString(), Is.EqualTo("a_long_map_name"));
        }

        var clone = map.Clone();
        using var byId = Map.OpenById(info.Id);
        map.Dispose();
        using (clone)
        {
            Assert.That(clone.Info().Id, Is.EqualTo(info.Id));
            Assert.That(clone.Lookup<uint, ulong>(7), Is.EqualTo(70UL));
        }

        Assert.That(byId.Name, Is.EqualTo("a_long_map_name"));
        Assert.That(byId.MaxEntries, Is.EqualTo(16));
        Assert.That(byId.Lookup<uint, ulong>(7), Is.EqualTo(70UL));
        Assert.Throws<ObjectDisposedException>(() => map.Lookup<uint, ulong>(7));
    }

    [Test]
    public void BtfIsAttachedToTheMap()
    {
        var builder = new BtfBuilder();
        uint key = builder.AddInt("unsigned int", 4);
        uint value = builder.AddInt("long long unsigned int", 8);
        var btf = BtfSpec.Parse(builder.Marshal(BitConverter.IsLittleEndian ? Ebpf.Asm.ByteOrder.LittleEndian : Ebpf.Asm.ByteOrder.BigEndian));
        using var map = Map.Create(HashSpec(name: "with_btf") with { Btf = btf, Key = btf[key], Value = btf[value] });
        var info = map.Info();
        Assert.That(info.BtfId, Is.Not.Zero);
        Assert.That(info.BtfKeyTypeId, Is.Not.Zero);
        Assert.That(info.BtfValueTypeId, Is.Not.Zero);

        // A value type whose size disagrees with the map: the kernel rejects the BTF, the map is made without it.
        using var mismatched = Map.Create(HashSpec(name: "bad_btf") with { Btf = btf, Key = btf[key], Value = btf[key] });
        Assert.That(mismatched.Info().BtfId, Is.Zero);
    }

    [Test]
    public void OpenRejectsDescriptorsOfOtherObjects()
    {
        var prog = KernelPrograms.LoadSocketFilter(LinuxBpfSyscalls.Instance, KernelPrograms.Encode(KernelPrograms.MovR0(0), KernelPrograms.Exit()));
        Assert.Throws<ArgumentException>(() => Map.Open(prog));
        Assert.That(prog.IsClosed, Is.True, "Open owns the descriptor, even when it fails");
    }

    [Test]
    public void PerCpuContentsOfOneValueGoToEveryCpu()
    {
        var spec = new MapSpec
        {
            Name = "pcpu_init",
            Type = BpfMapType.PercpuArray,
            KeySize = 4,
            ValueSize = 4,
            MaxEntries = 2,
            Contents = [new MapEntry(BitConverter.GetBytes(1u), BitConverter.GetBytes(0xabcdu))],
        };
        using var map = Map.Create(spec);
        var values = new uint[PossibleCpus.Count];
        map.LookupPerCpu(1u, values.AsSpan());
        Assert.That(values, Is.All.EqualTo(0xabcdu));
    }
}
