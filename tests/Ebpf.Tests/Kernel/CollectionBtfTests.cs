using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// <see cref="Collection.Load"/> loads the object's BTF once, as libbpf does: every map with key/value BTF and every
/// program with function info goes with that one descriptor. When the kernel rejects it, each map and program builds
/// and loads its own, as they do alone.
/// </summary>
public sealed class CollectionBtfTests
{
    private const int ProbeBlobLimit = 200; // the feature probes' blobs are smaller
    private const int SharedFd = 900;

    private static BpfFileDescriptor FakeFd(int n) => new(n, ownsHandle: false);

    /// <summary>A kernel that takes everything; <paramref name="rejectFirstLargeBtf"/> refuses the first large BTF (the object's).</summary>
    private static (Mock<IBpfSyscalls> Sys, List<int> LargeBtf, List<MapCreateAttr> Maps, List<ProgLoadAttr> Programs) Kernel(bool rejectFirstLargeBtf)
    {
        var sys = new Mock<IBpfSyscalls>();
        var large = new List<int>();
        var maps = new List<MapCreateAttr>();
        var programs = new List<ProgLoadAttr>();
        int next = 100;
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(new BtfLoadReturn((ref BtfLoadAttr a) =>
        {
            if (a.BtfSize < ProbeBlobLimit)
            {
                return FakeFd(next++);
            }

            large.Add((int)a.BtfSize);
            return large.Count == 1 && rejectFirstLargeBtf
                ? throw new EbpfVerifierException(BpfCommand.BtfLoad, Errno.EINVAL, "", false)
                : FakeFd(large.Count == 1 ? SharedFd : next++);
        }));
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
        {
            maps.Add(a);
            return FakeFd(next++);
        }));
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            programs.Add(a);
            return FakeFd(next++);
        }));
        return (sys, large, maps, programs);
    }

    private static CollectionLoadOptions Options => new() { ApplyCoreRelocations = false, TokenPath = "" };

    [Test]
    public void TheObjectsBtfIsLoadedOnceForAllMapsAndPrograms()
    {
        var (sys, large, maps, programs) = Kernel(rejectFirstLargeBtf: false);
        var spec = CollectionSpec.Load(TestPrograms.Path("maps_and_globals"));

        using var collection = Collection.Load(spec, Options, sys.Object);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(large, Has.Count.EqualTo(1), "one BPF_BTF_LOAD of the object's BTF");
            Assert.That(programs, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(programs.Select(p => p.ProgBtfFd), Is.All.EqualTo((uint)SharedFd));
            Assert.That(programs.Select(p => p.FuncInfoCnt), Is.All.Positive);
            Assert.That(programs.Select(p => p.LineInfoCnt), Is.All.Positive);
            Assert.That(maps.Where(m => m.BtfFd != 0).Select(m => m.BtfFd), Is.Not.Empty.And.All.EqualTo((uint)SharedFd));
        }

        foreach (var map in maps.Where(m => m.BtfFd != 0))
        {
            // The ids are the object's own: the value type of each map is a type of the object's BTF of the value's size.
            Assert.That(spec.Types!.GetSize(map.BtfValueTypeId), Is.EqualTo(map.ValueSize), $"{map.MapName}: value type {spec.Types[map.BtfValueTypeId]}");
        }
    }

    [Test]
    public void WhenTheKernelRejectsTheObjectsBtfEachMapAndProgramLoadsItsOwn()
    {
        var (sys, large, maps, programs) = Kernel(rejectFirstLargeBtf: true);
        var spec = CollectionSpec.Load(TestPrograms.Path("maps_and_globals"));

        using var collection = Collection.Load(spec, Options, sys.Object);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(large, Has.Count.GreaterThan(1), "the object's, then one per map and program");
            Assert.That(programs.Select(p => p.ProgBtfFd), Is.All.Not.EqualTo((uint)SharedFd).And.All.Not.Zero);
            Assert.That(maps.Select(m => m.BtfFd), Is.All.Not.EqualTo((uint)SharedFd));
            Assert.That(maps.Where(m => m.BtfFd != 0), Is.Not.Empty);
        }
    }
}
