using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel;

/// <summary>Key walks and batch results over a mocked <see cref="IBpfSyscalls"/> that behaves like a hash map.</summary>
public sealed unsafe class MapWalkTests
{
    private static readonly MapSpec Spec = new() { Name = "fake", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 100 };

    /// <summary>
    /// A hash map's get_next_key: the first key for no key or a key that is gone, else the following one.
    /// <paramref name="onStep"/> runs before each answer, to change the map mid-walk.
    /// </summary>
    private static Mock<IBpfSyscalls> FakeHash(List<uint> keys, Action<uint?>? onStep = null)
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => new BpfFileDescriptor(100, ownsHandle: false));
        sys.Setup(s => s.TryMapGetNextKey(in It.Ref<MapElemAttr>.IsAny)).Returns(new ElemReturn((in MapElemAttr a) =>
        {
            uint? current = a.Key == 0 ? null : *(uint*)a.Key;
            onStep?.Invoke(current);
            int index = current is { } c ? keys.IndexOf(c) : -1;
            int next = index + 1;
            if (next >= keys.Count)
            {
                return Errno.ENOENT;
            }

            *(uint*)a.NextKey = keys[next];
            return Errno.None;
        }));
        sys.Setup(s => s.TryMapLookupElem(in It.Ref<MapElemAttr>.IsAny)).Returns(new ElemReturn((in MapElemAttr a) =>
        {
            uint key = *(uint*)a.Key;
            if (!keys.Contains(key))
            {
                return Errno.ENOENT;
            }

            *(uint*)a.Value = key * 10;
            return Errno.None;
        }));
        return sys;
    }

    [Test]
    public void WalkRestartedByADeletedKeySkipsKeysAlreadyReturned()
    {
        var keys = new List<uint> { 1, 2, 3, 4, 5, 6 };
        // Delete the key the walk stands on when it reaches 3: the kernel answers with the first key again.
        var sys = FakeHash(keys, current =>
        {
            if (current == 3)
            {
                keys.Remove(3);
            }
        });
        using var map = Map.Create(Spec, syscalls: sys.Object);

        Assert.That(map.Keys<uint>(), Is.EqualTo(new uint[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void EntriesAfterARestartComeOnceWithTheirValues()
    {
        var keys = new List<uint> { 1, 2, 3 };
        var sys = FakeHash(keys, current =>
        {
            if (current == 1)
            {
                keys.Remove(2);
                keys.Add(2); // re-added at the end: a new element, seen once
                keys.Remove(1);
            }
        });
        using var map = Map.Create(Spec, syscalls: sys.Object);

        var entries = map.Entries<uint, uint>().ToList();
        Assert.That(entries.Select(e => e.Key), Is.EqualTo(new uint[] { 1, 3, 2 }));
        Assert.That(entries.Select(e => e.Value), Is.EqualTo(new uint[] { 10, 30, 20 }));
    }

    [Test]
    public void AWalkThatNeverEndsIsStopped()
    {
        var keys = new List<uint> { 1, 2 };
        var sys = FakeHash(keys);
        // A broken kernel order: after 2 comes 1 again, forever.
        sys.Setup(s => s.TryMapGetNextKey(in It.Ref<MapElemAttr>.IsAny)).Returns(new ElemReturn((in MapElemAttr a) =>
        {
            *(uint*)a.NextKey = a.Key != 0 && *(uint*)a.Key == 1 ? 2u : 1u;
            return Errno.None;
        }));
        using var map = Map.Create(Spec, syscalls: sys.Object);

        Assert.Throws<EbpfException>(() => map.Keys<uint>().Take(1000).ToList());
    }

    [Test]
    public void BatchEndAndBucketTooLargeAreReported()
    {
        var sys = FakeHash([]);
        int call = 0;
        sys.Setup(s => s.TryMapLookupBatch(ref It.Ref<MapBatchAttr>.IsAny)).Returns(new BatchReturn((ref MapBatchAttr a) =>
        {
            call++;
            if (call == 1)
            {
                Assert.That(a.InBatch, Is.Zero, "the first call starts at the beginning");
                *(uint*)a.OutBatch = 7;
                a.Count = 2;
                return Errno.None;
            }

            if (call == 2)
            {
                Assert.That(*(uint*)a.InBatch, Is.EqualTo(7u), "later calls continue from the cursor");
                a.Count = 1;
                return Errno.ENOENT;
            }

            a.Count = 0;
            return Errno.ENOSPC;
        }));
        using var map = Map.Create(Spec, syscalls: sys.Object);
        var cursor = default(MapBatchCursor);
        var keys = new uint[2];
        var values = new uint[2];

        Assert.That(map.LookupBatch(ref cursor, keys.AsSpan(), values.AsSpan()), Is.EqualTo(2));
        Assert.That(cursor.IsDone, Is.False);
        Assert.That(map.LookupBatch(ref cursor, keys.AsSpan(), values.AsSpan()), Is.EqualTo(1));
        Assert.That(cursor.IsDone, Is.True);
        Assert.That(map.LookupBatch(ref cursor, keys.AsSpan(), values.AsSpan()), Is.Zero);
        Assert.That(call, Is.EqualTo(2), "a finished cursor makes no call");

        cursor = default;
        var e = Assert.Throws<ArgumentException>(() => map.LookupBatch(ref cursor, keys.AsSpan(), values.AsSpan()))!;
        Assert.That(e.Message, Does.Contain("hash bucket"));
    }

    [Test]
    public void CommandsTheMapTypeLacksNameTheTypeAndTheFirstKernelWithThem()
    {
        var sys = FakeHash([1]);
        sys.Setup(s => s.TryMapLookupAndDeleteElem(in It.Ref<MapElemAttr>.IsAny)).Returns(Errno.ENOTSUPP);
        sys.Setup(s => s.TryMapUpdateBatch(ref It.Ref<MapBatchAttr>.IsAny)).Returns(Errno.ENOTSUPP);
        using var hash = Map.Create(Spec, syscalls: sys.Object);
        using var array = Map.Create(Spec with { Type = BpfMapType.Array }, syscalls: sys.Object);
        using var perCpuArray = Map.Create(Spec with { Type = BpfMapType.PercpuArray }, syscalls: sys.Object);

        var lookupAndDelete = Assert.Throws<EbpfNotSupportedException>(() => hash.TryLookupAndDelete(1u, out uint _))!;
        var noVersion = Assert.Throws<EbpfNotSupportedException>(() => array.TryLookupAndDelete(1u, out uint _))!;
        var batch = Assert.Throws<EbpfNotSupportedException>(() => perCpuArray.UpdateBatch(new byte[4], new byte[perCpuArray.ValueStride]))!;
        using var scope = Assert.EnterMultipleScope();
        Assert.That((lookupAndDelete.Feature, lookupAndDelete.MinimumKernelVersion), Is.EqualTo(("BPF_MAP_LOOKUP_AND_DELETE_ELEM on BPF_MAP_TYPE_HASH maps", "5.14")));
        Assert.That(lookupAndDelete.Errno, Is.EqualTo(Errno.ENOTSUPP));
        Assert.That((noVersion.Feature, noVersion.MinimumKernelVersion), Is.EqualTo(("BPF_MAP_LOOKUP_AND_DELETE_ELEM on BPF_MAP_TYPE_ARRAY maps", (string?)null)));
        Assert.That((batch.Feature, batch.MinimumKernelVersion), Is.EqualTo(("BPF_MAP_UPDATE_BATCH on BPF_MAP_TYPE_PERCPU_ARRAY maps", "5.13")));
    }
}
