using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

[Category("Kernel")]
public sealed unsafe class LinuxBpfSyscallsMapTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    private static MapElemAttr Elem(BpfFileDescriptor map, uint* key, ulong* value, BpfElemFlags flags = BpfElemFlags.Any) =>
        new() { MapFd = (uint)map.DangerousGetFd(), Key = (ulong)key, Value = (ulong)value, Flags = flags };

    [Test]
    public void HashMapUpdateLookupNextKeyDelete()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.Hash, 4, 8, 16, name: "test_hash");
        uint key = 1;
        ulong value = 42;
        ulong read = 0;
        Sys.MapUpdateElem(Elem(map, &key, &value));
        Sys.MapLookupElem(Elem(map, &key, &read));
        Assert.That(read, Is.EqualTo(42UL));

        uint missing = 2;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Sys.TryMapLookupElem(Elem(map, &missing, &read)), Is.EqualTo(Errno.ENOENT));
            var missingAttr = Elem(map, &missing, &read);
            Assert.Throws<EbpfKeyNotFoundException>(() => Sys.MapLookupElem(missingAttr));
            Assert.That(Sys.TryMapUpdateElem(Elem(map, &key, &value, BpfElemFlags.NoExist)), Is.EqualTo(Errno.EEXIST));
            Assert.That(Sys.TryMapUpdateElem(Elem(map, &missing, &value, BpfElemFlags.Exist)), Is.EqualTo(Errno.ENOENT));
        }

        uint next = 0;
        var first = new MapElemAttr { MapFd = (uint)map.DangerousGetFd(), Key = 0, NextKey = (ulong)&next };
        Sys.MapGetNextKey(first);
        Assert.That(next, Is.EqualTo(1u));
        var after = new MapElemAttr { MapFd = (uint)map.DangerousGetFd(), Key = (ulong)&key, NextKey = (ulong)&next };
        Assert.That(Sys.TryMapGetNextKey(after), Is.EqualTo(Errno.ENOENT));
        Assert.Throws<EbpfKeyNotFoundException>(() => Sys.MapGetNextKey(after));

        Sys.MapDeleteElem(Elem(map, &key, null));
        Assert.That(Sys.TryMapDeleteElem(Elem(map, &key, null)), Is.EqualTo(Errno.ENOENT));
        var deleteAttr = Elem(map, &key, null);
        Assert.Throws<EbpfKeyNotFoundException>(() => Sys.MapDeleteElem(deleteAttr));
    }

    [Test]
    public void MapInfoDescribesTheMap()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.Hash, 4, 8, 16, BpfMapFlags.NoPrealloc, "info_map");
        var info = KernelPrograms.MapInfoOf(Sys, map);
        using var scope = Assert.EnterMultipleScope();
        Assert.That(info.Type, Is.EqualTo(BpfMapType.Hash));
        Assert.That(info.Id, Is.Not.Zero);
        Assert.That(info.KeySize, Is.EqualTo(4));
        Assert.That(info.ValueSize, Is.EqualTo(8));
        Assert.That(info.MaxEntries, Is.EqualTo(16));
        Assert.That(info.MapFlags, Is.EqualTo(BpfMapFlags.NoPrealloc));
        Assert.That(info.Name.ToString(), Is.EqualTo("info_map"));
    }

    [Test]
    public void LookupAndDeletePopsAQueue()
    {
        using var queue = KernelPrograms.CreateMap(Sys, BpfMapType.Queue, 0, 8, 4);
        ulong value = 7;
        ulong read = 0;
        Sys.MapUpdateElem(Elem(queue, null, &value));
        Sys.MapLookupAndDeleteElem(Elem(queue, null, &read));
        Assert.That(read, Is.EqualTo(7UL));
        Assert.That(Sys.TryMapLookupAndDeleteElem(Elem(queue, null, &read)), Is.EqualTo(Errno.ENOENT));
    }

    [Test]
    public void BatchUpdateAndLookup()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.Hash, 4, 8, 16);
        uint[] keys = [1, 2, 3];
        ulong[] values = [10, 20, 30];
        fixed (uint* k = keys)
        fixed (ulong* v = values)
        {
            var update = new MapBatchAttr { MapFd = (uint)map.DangerousGetFd(), Keys = (ulong)k, Values = (ulong)v, Count = 3 };
            var errno = Sys.TryMapUpdateBatch(ref update);
            if (errno == Errno.EINVAL)
            {
                Assert.Ignore("batch operations are not supported by this kernel");
            }

            Assert.That(errno, Is.EqualTo(Errno.None));
            Assert.That(update.Count, Is.EqualTo(3));
        }

        var outKeys = new uint[16];
        var outValues = new ulong[16];
        uint cursor = 0;
        fixed (uint* k = outKeys)
        fixed (ulong* v = outValues)
        {
            var lookup = new MapBatchAttr
            {
                MapFd = (uint)map.DangerousGetFd(), OutBatch = (ulong)&cursor, Keys = (ulong)k, Values = (ulong)v, Count = 16,
            };
            Assert.That(Sys.TryMapLookupBatch(ref lookup), Is.EqualTo(Errno.ENOENT), "the whole map fits: ENOENT says there is no more");
            Assert.That(lookup.Count, Is.EqualTo(3));
        }

        var pairs = outKeys.Take(3).Zip(outValues.Take(3)).OrderBy(p => p.First).ToArray();
        Assert.That(pairs, Is.EqualTo(new[] { (1u, 10UL), (2u, 20UL), (3u, 30UL) }));

        fixed (uint* k = keys)
        {
            var delete = new MapBatchAttr { MapFd = (uint)map.DangerousGetFd(), Keys = (ulong)k, Count = 3 };
            Assert.That(Sys.TryMapDeleteBatch(ref delete), Is.EqualTo(Errno.None));
            Assert.That(delete.Count, Is.EqualTo(3));
        }
    }

    [Test]
    public void FrozenArrayRejectsUpdates()
    {
        using var array = KernelPrograms.CreateMap(Sys, BpfMapType.Array, 4, 8, 1);
        uint key = 0;
        ulong value = 5;
        Sys.MapUpdateElem(Elem(array, &key, &value));
        Sys.MapFreeze(new MapFreezeAttr { MapFd = (uint)array.DangerousGetFd() });

        var updateAttr = Elem(array, &key, &value);
        var e = Assert.Throws<EbpfPermissionException>(() => Sys.MapUpdateElem(updateAttr))!;
        Assert.That(e.Errno, Is.EqualTo(Errno.EPERM));
        ulong read = 0;
        Sys.MapLookupElem(Elem(array, &key, &read));
        Assert.That(read, Is.EqualTo(5UL));
    }

    [Test]
    public void MmapableArrayIsSharedWithTheKernel()
    {
        using var array = KernelPrograms.CreateMap(Sys, BpfMapType.Array, 4, 8, 1, BpfMapFlags.Mmapable);
        nuint length = (nuint)Environment.SystemPageSize;
        nint address = Sys.System().Mmap(0, length, MmapProtection.Read | MmapProtection.Write, MmapFlags.Shared, array, 0);
        try
        {
            *(ulong*)address = 0x1122334455667788;
            uint key = 0;
            ulong read = 0;
            Sys.MapLookupElem(Elem(array, &key, &read));
            Assert.That(read, Is.EqualTo(0x1122334455667788UL));
        }
        finally
        {
            Sys.System().Munmap(address, length);
        }
    }

    [Test]
    public void InvalidAttributesAreEbpfExceptions()
    {
        var e = Assert.Throws<EbpfException>(() => KernelPrograms.CreateMap(Sys, BpfMapType.Hash, 0, 8, 1))!;
        using var scope = Assert.EnterMultipleScope();
        Assert.That(e.Errno, Is.EqualTo(Errno.EINVAL));
        Assert.That(e.Command, Is.EqualTo(BpfCommand.MapCreate));
    }

    [Test]
    public void DupRefersToTheSameMapAndDisposeCloses()
    {
        var map = KernelPrograms.CreateMap(Sys, BpfMapType.Array, 4, 4, 1);
        using var copy = map.Dup();
        Assert.That(copy.DangerousGetFd(), Is.Not.EqualTo(map.DangerousGetFd()));
        Assert.That(KernelPrograms.MapInfoOf(Sys, copy).Id, Is.EqualTo(KernelPrograms.MapInfoOf(Sys, map).Id));
        map.Dispose();
        Assert.That(map.IsClosed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => map.DangerousGetFd());
        Assert.That(KernelPrograms.MapInfoOf(Sys, copy).Type, Is.EqualTo(BpfMapType.Array));
    }

    [Test]
    public void MapIdsCanBeListedAndOpened()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.Array, 4, 4, 1);
        uint id = KernelPrograms.MapInfoOf(Sys, map).Id;
        var ids = new List<uint>();
        var next = new GetIdAttr();
        while (Sys.TryGetNextId(BpfObjectKind.Map, ref next) == Errno.None)
        {
            ids.Add(next.NextId);
            next.StartId = next.NextId;
        }

        Assert.That(ids, Does.Contain(id));
        using var opened = Sys.GetFdById(BpfObjectKind.Map, new GetIdAttr { Id = id });
        Assert.That(KernelPrograms.MapInfoOf(Sys, opened).Id, Is.EqualTo(id));
        Assert.That(Sys.TryGetFdById(BpfObjectKind.Map, new GetIdAttr { Id = uint.MaxValue }, out var none), Is.EqualTo(Errno.ENOENT));
        Assert.That(none, Is.Null);
    }

    [Test]
    public void MemlockLimitRoundTrips()
    {
        var limit = Sys.System().GetMemlockLimit();
        Assert.DoesNotThrow(() => Sys.System().SetMemlockLimit(limit));
        Assert.That(Sys.System().GetMemlockLimit().Current, Is.EqualTo(limit.Current));
    }
}
