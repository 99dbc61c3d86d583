using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Kernel;

/// <summary><see cref="Map.Create"/> fallbacks and cleanup over a mocked <see cref="IBpfSyscalls"/>.</summary>
public sealed class MapCreateTests
{
    private static readonly MapSpec Hash = new() { Name = "my_map", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 4 };

    /// <summary>A descriptor the test does not own: disposing it closes nothing, but marks it closed.</summary>
    private static BpfFileDescriptor FakeFd(int n) => new(n, ownsHandle: false);

    private static MapSpec WithBtf(MapSpec spec)
    {
        var builder = new BtfBuilder();
        uint key = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        uint value = builder.AddInt("long", 8, BtfIntEncoding.Signed);
        var btf = BtfSpec.Parse(builder.Marshal(Ebpf.Asm.ByteOrder.LittleEndian));
        return spec with { Btf = btf, Key = btf[key], Value = btf[value] };
    }

    [Test]
    public void RejectedNameIsRetriedWithoutName()
    {
        var calls = new List<MapCreateAttr>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Returns(new MapCreateReturn((in MapCreateAttr a) =>
            {
                calls.Add(a);
                return a.MapName.ToString().Length > 0 ? throw new EbpfException(BpfCommand.MapCreate, Errno.EINVAL) : FakeFd(100);
            }));

        using var map = Map.Create(Hash, syscalls: sys.Object);
        using var scope = Assert.EnterMultipleScope();
        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(calls[0].MapName.ToString(), Is.EqualTo("my_map"));
        Assert.That(calls[1].MapName.ToString(), Is.Empty);
        Assert.That(map.Name, Is.EqualTo("my_map"));
        Assert.That(map.KeySize, Is.EqualTo(4));
    }

    [Test]
    public void NamesAreTruncatedAndInvalidOnesDropped()
    {
        var names = new List<string>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Callback(new MapCreateCallback((in MapCreateAttr a) => names.Add(a.MapName.ToString())))
            .Returns(() => FakeFd(100));

        Map.Create(Hash with { Name = "a_rather_long_map_name" }, syscalls: sys.Object).Dispose();
        Map.Create(Hash with { Name = "bad-name" }, syscalls: sys.Object).Dispose();
        Assert.That(names, Is.EqualTo(new[] { "a_rather_long_m", string.Empty }));
    }

    [Test]
    public void RejectedBtfIsRetriedWithoutBtf()
    {
        var calls = new List<MapCreateAttr>();
        BpfFileDescriptor btfFd = FakeFd(200);
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(new BtfLoadReturn((ref BtfLoadAttr a) => btfFd = FakeFd(200))); // the last one is the map's (probes come first)
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Returns(new MapCreateReturn((in MapCreateAttr a) =>
            {
                calls.Add(a);
                return a.BtfFd != 0 ? throw new EbpfException(BpfCommand.MapCreate, Errno.EINVAL) : FakeFd(100);
            }));

        using var map = Map.Create(WithBtf(Hash), syscalls: sys.Object);
        using var scope = Assert.EnterMultipleScope();
        Assert.That(calls, Has.Count.EqualTo(3), "with name and BTF, without name, without BTF");
        Assert.That(calls[0].BtfFd, Is.EqualTo(200));
        Assert.That(calls[0].BtfKeyTypeId, Is.EqualTo(1));
        Assert.That(calls[0].BtfValueTypeId, Is.EqualTo(2));
        Assert.That(calls[2].BtfFd, Is.Zero);
        Assert.That(calls[2].BtfKeyTypeId, Is.Zero);
        Assert.That(btfFd.IsClosed, Is.True, "the BTF descriptor is closed once the map exists");
    }

    [Test]
    public void BtfTheKernelCannotLoadIsLeftOut()
    {
        MapCreateAttr seen = default;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Throws(() => new EbpfVerifierException(BpfCommand.BtfLoad, Errno.EINVAL, "bad", false));
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Callback(new MapCreateCallback((in MapCreateAttr a) => seen = a))
            .Returns(() => FakeFd(100));

        using var map = Map.Create(WithBtf(Hash), syscalls: sys.Object);
        Assert.That(seen.BtfFd, Is.Zero);
    }

    [TestCase(BpfMapType.Queue)]
    [TestCase(BpfMapType.ArrayOfMaps)]
    [TestCase(BpfMapType.PerfEventArray)]
    public void MapsWhoseValuesAreNotDescribedGetNoBtf(BpfMapType type)
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => FakeFd(100));
        var spec = WithBtf(Hash) with
        {
            Type = type,
            KeySize = type == BpfMapType.Queue ? 0u : 4u,
            ValueSize = type == BpfMapType.Queue ? 8u : 4u,
            InnerMap = Hash with { Name = "inner" },
        };

        Map.Create(spec, syscalls: sys.Object).Dispose();
        sys.Verify(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny), Times.Never);
    }

    [Test]
    public void WhenEveryAttemptFailsTheFirstErrorIsThrown()
    {
        int attempts = 0;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Returns(new MapCreateReturn((in MapCreateAttr a) =>
                throw new EbpfException(BpfCommand.MapCreate, ++attempts == 1 ? Errno.E2BIG : Errno.EINVAL)));

        var e = Assert.Throws<EbpfException>(() => Map.Create(Hash, syscalls: sys.Object))!;
        Assert.That(e.Errno, Is.EqualTo(Errno.E2BIG));
        Assert.That(attempts, Is.EqualTo(2));
    }

    [Test]
    public void AMapTypeTheKernelLacksIsNotSupportedWithItsFirstKernel()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Returns(new MapCreateReturn((in MapCreateAttr a) => a.MapType == BpfMapType.CgrpStorage
                ? throw new EbpfException(BpfCommand.MapCreate, Errno.EINVAL) // a kernel before 6.2, the type probe included
                : FakeFd(100)));

        var e = Assert.Throws<EbpfNotSupportedException>(() => Map.Create(
            WithBtf(Hash with { Type = BpfMapType.CgrpStorage, MaxEntries = 0, Flags = BpfMapFlags.NoPrealloc }), syscalls: sys.Object))!;
        Assert.That(e.Message, Does.StartWith("map 'my_map': map type BPF_MAP_TYPE_CGRP_STORAGE is not supported"));
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("6.2"));
    }

    [Test]
    public void AnInvalidMapOfAKnownTypeKeepsTheKernelsError()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Returns(new MapCreateReturn((in MapCreateAttr a) => a.MaxEntries == 4
                ? throw new EbpfException(BpfCommand.MapCreate, Errno.EINVAL) // this map's attributes; the type probe passes
                : FakeFd(100)));

        var e = Assert.Throws<EbpfException>(() => Map.Create(Hash, syscalls: sys.Object))!;
        Assert.That(e.Errno, Is.EqualTo(Errno.EINVAL));
    }

    [Test]
    public void PermissionErrorsAreNotRetried()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Throws(() => new EbpfPermissionException(BpfCommand.MapCreate, Errno.EPERM));
        Assert.Throws<EbpfPermissionException>(() => Map.Create(Hash, syscalls: sys.Object));
        sys.Verify(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny), Times.Once);
    }

    [Test]
    public void FailingContentsCloseTheMapAndTheInnerTemplate()
    {
        var created = new List<BpfFileDescriptor>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Returns(new MapCreateReturn((in MapCreateAttr a) =>
            {
                var fd = FakeFd(100 + created.Count);
                created.Add(fd);
                return fd;
            }));
        sys.Setup(s => s.TryMapUpdateElem(in It.Ref<MapElemAttr>.IsAny)).Returns(Errno.E2BIG);
        var outer = new MapSpec
        {
            Name = "outer",
            Type = BpfMapType.ArrayOfMaps,
            KeySize = 4,
            ValueSize = 4,
            MaxEntries = 2,
            InnerMap = new MapSpec { Name = "inner", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 },
            Contents = [new MapEntry(new byte[4], ReadOnlyMemory<byte>.Empty, "other")],
        };
        var options = new MapCreateOptions { ResolveValueReference = _ => FakeFd(300) };

        var e = Assert.Throws<EbpfException>(() => Map.Create(outer, options, syscalls: sys.Object))!;
        using var scope = Assert.EnterMultipleScope();
        Assert.That(e.Errno, Is.EqualTo(Errno.E2BIG));
        Assert.That(created, Has.Count.EqualTo(2));
        Assert.That(created.All(fd => fd.IsClosed), Is.True);
    }

    [Test]
    public void InnerMapFdIsPassedAndReferencesNeedAResolver()
    {
        var seen = new List<MapCreateAttr>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Returns(new MapCreateReturn((in MapCreateAttr a) =>
            {
                seen.Add(a);
                return FakeFd(100 + seen.Count);
            }));
        var outer = new MapSpec
        {
            Name = "outer",
            Type = BpfMapType.HashOfMaps,
            KeySize = 4,
            ValueSize = 4,
            MaxEntries = 2,
            InnerMap = new MapSpec { Name = "inner", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 },
            Contents = [new MapEntry(new byte[4], ReadOnlyMemory<byte>.Empty, "other")],
        };

        var e = Assert.Throws<ArgumentException>(() => Map.Create(outer, syscalls: sys.Object))!;
        Assert.That(e.Message, Does.Contain("ResolveValueReference"));
        Assert.That(seen[1].InnerMapFd, Is.EqualTo(101));
        Assert.Throws<ArgumentException>(() => Map.Create(outer with { InnerMap = null }, syscalls: sys.Object));
    }

    [Test]
    public void UntouchedBssIsNotWrittenAndWrittenOnceUsed()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("maps_and_globals"));
        var bss = spec.Maps[".bss"];
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => FakeFd(100));
        sys.Setup(s => s.TryMapUpdateElem(in It.Ref<MapElemAttr>.IsAny)).Returns(Errno.None);
        using (Map.Create(bss with { Btf = null, Value = null }, syscalls: sys.Object))
        {
            sys.Verify(s => s.TryMapUpdateElem(in It.Ref<MapElemAttr>.IsAny), Times.Never, "a new array is already zeroed");
        }

        Assert.That(bss.Contents.Single().IsUntouchedZeros, Is.True, "creating the map allocated nothing");
        spec.Variables["seen"].SetBytes(new byte[spec.Variables["seen"].Size]);
        using (Map.Create(bss with { Btf = null, Value = null }, syscalls: sys.Object))
        {
            sys.Verify(s => s.TryMapUpdateElem(in It.Ref<MapElemAttr>.IsAny), Times.Once);
        }
    }

    [Test]
    public void SizeChecksNameTheExpectedSizes()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => FakeFd(100));
        using var map = Map.Create(Hash, syscalls: sys.Object);

        var key = Assert.Throws<ArgumentException>(() => map.Lookup<ulong, ulong>(1))!;
        Assert.That(key.Message, Does.Contain("4-byte keys, got 8 bytes"));
        var value = Assert.Throws<ArgumentException>(() => map.Update(1u, 2u))!;
        Assert.That(value.Message, Does.Contain("8-byte values, got 4 bytes"));
        Assert.Throws<ArgumentException>(() => map.LookupPerCpu(1u, new ulong[1].AsSpan()));
        Assert.Throws<InvalidOperationException>(() => map.Memory());
        sys.Verify(s => s.TryMapLookupElem(in It.Ref<MapElemAttr>.IsAny), Times.Never);
    }

    [Test]
    public void TryLookupReportsMissingKeysWithoutThrowing()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => FakeFd(100));
        sys.Setup(s => s.TryMapLookupElem(in It.Ref<MapElemAttr>.IsAny)).Returns(Errno.ENOENT);
        sys.Setup(s => s.TryMapDeleteElem(in It.Ref<MapElemAttr>.IsAny)).Returns(Errno.EBADF);
        using var map = Map.Create(Hash, syscalls: sys.Object);

        Assert.That(map.TryLookup(1u, out ulong _), Is.False);
        Assert.Throws<EbpfKeyNotFoundException>(() => map.Lookup<uint, ulong>(1));
        Assert.That(Assert.Throws<EbpfException>(() => map.TryDelete(1u))!.Errno, Is.EqualTo(Errno.EBADF));
    }

    [TestCase("0-3\n", 4)]
    [TestCase("0", 1)]
    [TestCase("0,2-5", 6)]
    [TestCase("0-1,7", 8)]
    public void PossibleCpusParsesCpuLists(string list, int count) => Assert.That(PossibleCpus.Parse(list), Is.EqualTo(count));

    [TestCase("")]
    [TestCase("a-b")]
    [TestCase("3-1")]
    public void PossibleCpusRejectsOtherText(string list) => Assert.Throws<FormatException>(() => PossibleCpus.Parse(list));
}
