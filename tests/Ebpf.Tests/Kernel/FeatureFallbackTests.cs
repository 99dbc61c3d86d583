using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// Debug aids the kernel rejects (program function/line info, BTF, map key/value BTF, object names) are left out and
/// reported under <see cref="FeatureFallbacks.Default"/> semantics, and fail the load with
/// <see cref="EbpfNotSupportedException"/> when fallbacks are disabled.
/// </summary>
public class FeatureFallbackTests
{
    private delegate BpfFileDescriptor ProgLoadReturn(ref ProgLoadAttr attr);

    private delegate BpfFileDescriptor BtfLoadReturn(ref BtfLoadAttr attr);

    private delegate BpfFileDescriptor MapCreateReturn(in MapCreateAttr attr);

    private static ProgramSpec XdpWithBtf() => ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp);

    private static BpfFileDescriptor FakeFd(int n) => new(n, ownsHandle: false);

    /// <summary>A kernel that loads BTF but refuses func_info with the verifier's message.</summary>
    private static (Mock<IBpfSyscalls> Sys, List<ProgLoadAttr> Attempts, List<BpfFileDescriptor> Programs) RefusingFuncInfo()
    {
        var sys = new Mock<IBpfSyscalls>();
        var attempts = new List<ProgLoadAttr>();
        var programs = new List<BpfFileDescriptor>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(() => FakeFd(1000));
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            attempts.Add(a);
            if (a.FuncInfoCnt != 0)
            {
                throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, a.LogLevel == 0 ? "" : "invalid func info rec size 8\n", false);
            }

            var fd = FakeFd(50);
            programs.Add(fd);
            return fd;
        }));
        return (sys, attempts, programs);
    }

    [Test]
    public void FuncInfoRejectedAtProgLoadIsRetriedWithoutBtfAndReported()
    {
        var (sys, attempts, _) = RefusingFuncInfo();
        var reports = new List<string>();
        var options = new ProgramLoadOptions { Fallbacks = new FeatureFallbacks { Report = reports.Add } };

        using var program = Program.Load(XdpWithBtf(), options, sys.Object);

        var last = attempts[^1];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(attempts[0].ProgBtfFd, Is.EqualTo(1000u), "the first attempt sends the BTF");
            Assert.That((last.ProgBtfFd, last.FuncInfoCnt, last.FuncInfo, last.LineInfoCnt, last.LineInfo), Is.EqualTo((0u, 0u, 0UL, 0u, 0UL)));
            Assert.That(last.ProgName.ToString(), Is.Not.Empty, "the name was not the problem");
            Assert.That(reports, Has.Count.EqualTo(1));
            Assert.That(reports[0], Does.Contain("function and line info").And.Contain("xdp"));
        }
    }

    [Test]
    public void FuncInfoRejectedWithFallbacksDisabledThrowsNotSupportedAndClosesTheProgram()
    {
        var (sys, _, programs) = RefusingFuncInfo();

        var e = Assert.Throws<EbpfNotSupportedException>(() => Program.Load(XdpWithBtf(), new ProgramLoadOptions { Fallbacks = FeatureFallbacks.Strict }, sys.Object))!;

        Assert.That(e.Feature, Does.Contain("function and line info"));
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("5.0"));
        Assert.That(programs.Single().IsClosed, Is.True, "the program loaded without the info is closed");
    }

    [Test]
    public void AVerifierFailureThatIsNotAboutBtfInfoKeepsTheBtf()
    {
        var sys = new Mock<IBpfSyscalls>();
        var attempts = new List<ProgLoadAttr>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(() => FakeFd(1000));
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            attempts.Add(a);
            throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EACCES, a.LogLevel == 0 ? "" : "R0 !read_ok\n", false);
        }));

        Assert.Throws<EbpfVerifierException>(() => Program.Load(XdpWithBtf(), syscalls: sys.Object));
        Assert.That(attempts.Select(a => a.ProgBtfFd), Is.All.EqualTo(1000u));
    }

    [Test]
    public void BtfRejectedAsBuiltIsSentWithOlderKindsAndThenLeftOut()
    {
        var sys = new Mock<IBpfSyscalls>();
        var blobs = new List<int>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(new BtfLoadReturn((ref BtfLoadAttr a) =>
        {
            blobs.Add((int)a.BtfSize);
            throw new EbpfVerifierException(BpfCommand.BtfLoad, Errno.EINVAL, "", false);
        }));
        ProgLoadAttr seen = default;
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            seen = a;
            return FakeFd(51);
        }));
        var reports = new List<string>();

        using var program = Program.Load(XdpWithBtf(), new ProgramLoadOptions { Fallbacks = new FeatureFallbacks { Report = reports.Add } }, sys.Object);

        Assert.That(blobs, Has.Count.EqualTo(2), "as built, then with the kinds of Linux 5.2");
        Assert.That(seen.ProgBtfFd, Is.Zero);
        Assert.That(reports.Single(), Does.Contain("program BTF"));
        Assert.Throws<EbpfNotSupportedException>(() => Program.Load(XdpWithBtf(), new ProgramLoadOptions { Fallbacks = FeatureFallbacks.Strict }, sys.Object));
    }

    [Test]
    public void MapBtfRejectedAtMapCreateIsRetriedWithoutKeyAndValueBtf()
    {
        var spec = Ebpf.Specs.CollectionSpec.Load(TestPrograms.Path("maps_btf")).Maps.Values.First(m => m.Key is not null && m.Value is not null);
        var sys = new Mock<IBpfSyscalls>();
        var attempts = new List<MapCreateAttr>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(() => FakeFd(1001));
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
        {
            attempts.Add(a);
            return a.BtfFd != 0 ? throw new EbpfException(BpfCommand.MapCreate, Errno.EINVAL) : FakeFd(60);
        }));
        var reports = new List<string>();

        using var map = Map.Create(spec with { Contents = [] }, sys.Object, new MapCreateOptions { Fallbacks = new FeatureFallbacks { Report = reports.Add } });

        var last = attempts[^1];
        Assert.That(attempts[0].BtfFd, Is.EqualTo(1001u));
        Assert.That((last.BtfFd, last.BtfKeyTypeId, last.BtfValueTypeId), Is.EqualTo((0u, 0u, 0u)));
        Assert.That(reports, Has.Some.Contains("map key/value BTF"));

        var strict = Assert.Throws<EbpfNotSupportedException>(
            () => Map.Create(spec with { Contents = [] }, sys.Object, new MapCreateOptions { Fallbacks = FeatureFallbacks.Strict }))!;
        Assert.That(strict.Feature, Does.Contain("map key/value BTF"), "the feature whose removal made the create succeed");
    }

    [Test]
    public void CollectionFallbacksApplyToItsMapsAndPrograms()
    {
        var spec = Ebpf.Specs.CollectionSpec.Load(TestPrograms.Path("maps_btf"));
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(() => FakeFd(1002));
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
            a.BtfFd != 0 ? throw new EbpfException(BpfCommand.MapCreate, Errno.EINVAL) : FakeFd(61)));

        var e = Assert.Throws<EbpfNotSupportedException>(() => Collection.Load(
            spec, new CollectionLoadOptions { Fallbacks = FeatureFallbacks.Strict, ApplyCoreRelocations = false, Programs = ProgramLoadOptions.Default with { LoadProgramBtf = false } }, sys.Object))!;
        Assert.That(e.Message, Does.Contain("fallbacks are disabled"));
    }
}
