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
        // The probes (tiny blobs) pass, the program's BTF does not: the rejection fallback is the safety net.
        var sys = new Mock<IBpfSyscalls>();
        var blobs = new List<int>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(new BtfLoadReturn((ref BtfLoadAttr a) =>
        {
            if (a.BtfSize < ProbeBlobLimit)
            {
                return FakeFd(70);
            }

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
    public void KernelWithoutBtfGetsNoProgramBtfAndNoRejectedLoad()
    {
        var sys = new Mock<IBpfSyscalls>();
        int btfLoads = 0;
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(new BtfLoadReturn((ref BtfLoadAttr a) =>
        {
            btfLoads++;
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
        using var again = Program.Load(XdpWithBtf(), new ProgramLoadOptions { Fallbacks = new FeatureFallbacks { Report = reports.Add } }, sys.Object);

        Assert.That(btfLoads, Is.EqualTo(1), "one probe, cached; the program's BTF is never sent");
        Assert.That(seen.ProgBtfFd, Is.Zero);
        Assert.That(reports, Has.Count.EqualTo(2).And.All.Contains("program BTF"));
    }

    [Test]
    public void KindsTheProbesFindMissingAreRewrittenBeforeTheFirstLoad()
    {
        // A 5.12-like kernel: FUNC, DATASEC, global functions, but no FLOAT, tags or ENUM64.
        var missing = new[] { Ebpf.Btf.BtfKind.Float, Ebpf.Btf.BtfKind.DeclTag, Ebpf.Btf.BtfKind.TypeTag, Ebpf.Btf.BtfKind.Enum64 };
        var sys = new Mock<IBpfSyscalls>();
        var rejected = new List<Ebpf.Btf.BtfKind>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(new BtfLoadReturn((ref BtfLoadAttr a) =>
        {
            var kinds = KindsOf(a);
            if (kinds.Intersect(missing).FirstOrDefault() is var kind && kinds.Overlaps(missing))
            {
                rejected.Add(kind);
                throw new EbpfVerifierException(BpfCommand.BtfLoad, Errno.EINVAL, "", false);
            }

            return FakeFd(80);
        }));

        var features = new Features(sys.Object);
        var sanitizing = features.BtfSanitizing();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sanitizing.ReplaceFloats && sanitizing.ReplaceDeclTags && sanitizing.ReplaceTypeTags && sanitizing.ReplaceEnum64, Is.True);
            Assert.That(sanitizing.ReplaceFunctions || sanitizing.ReplaceDataSections || sanitizing.StripFuncLinkage || sanitizing.ReplaceQuestionMarkSectionNames, Is.False);
            Assert.That(rejected, Is.EquivalentTo(missing), "one rejected probe per missing kind");
            Assert.That(() => features.HaveBtfFeature(BtfFeature.Float), Throws.InstanceOf<EbpfNotSupportedException>().With.Message.Contains("FLOAT"));
        }

        features.BtfSanitizing();
        Assert.That(rejected, Has.Count.EqualTo(4), "probes are cached");
    }

    private const int ProbeBlobLimit = 200;

    private static unsafe HashSet<Ebpf.Btf.BtfKind> KindsOf(in BtfLoadAttr attr)
    {
        var blob = new ReadOnlySpan<byte>((void*)attr.Btf, (int)attr.BtfSize).ToArray();
        return Ebpf.Btf.BtfSpec.Parse(blob).Types.Select(t => t.Kind).ToHashSet();
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

        using var map = Map.Create(spec with { Contents = [] }, new MapCreateOptions { Fallbacks = new FeatureFallbacks { Report = reports.Add } }, sys.Object);

        var last = attempts[^1];
        Assert.That(attempts[0].BtfFd, Is.EqualTo(1001u));
        Assert.That((last.BtfFd, last.BtfKeyTypeId, last.BtfValueTypeId), Is.EqualTo((0u, 0u, 0u)));
        Assert.That(reports, Has.Some.Contains("map key/value BTF"));

        var strict = Assert.Throws<EbpfNotSupportedException>(
            () => Map.Create(spec with { Contents = [] }, new MapCreateOptions { Fallbacks = FeatureFallbacks.Strict }, sys.Object))!;
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
