using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Moq;

namespace Ebpf.Tests.Links;

/// <summary>The fallbacks for older kernels, over a mocked kernel.</summary>
public sealed class LinkFallbackTests
{
    private static readonly BpfFileDescriptor ProgramFd = new(41, ownsHandle: false);
    private static readonly BpfFileDescriptor Target = new(42, ownsHandle: false);

    [Test]
    public void TracingFallsBackToRawTracepointOpen()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, Errno.EINVAL));
        RawTracepointOpenAttr seen = default;
        sys.Setup(s => s.RawTracepointOpen(in It.Ref<RawTracepointOpenAttr>.IsAny))
            .Returns(new RawTracepointOpenReturn((in RawTracepointOpenAttr a) =>
            {
                seen = a;
                return new BpfFileDescriptor(63, ownsHandle: false);
            }));

        using var link = MockPrograms.Tracing(ProgramFd, sys).AttachTracing(BpfAttachType.TraceFentry);
        Assert.That((seen.Name, seen.ProgFd), Is.EqualTo((0UL, 41u)));
        Assert.That(link.Fd!.DangerousGetFd(), Is.EqualTo(63));
    }

    [Test]
    public void FentryAttachRefusedWithCapabilitiesIsNotBlamedOnThem()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfPermissionException(BpfCommand.LinkCreate, Errno.EPERM));
        var e = Assert.Throws<EbpfPermissionException>(() => MockPrograms.Tracing(ProgramFd, sys).AttachTracing(BpfAttachType.TraceFentry))!;
        if (ProcessCapabilities.Effective() is { } caps && ProcessCapabilities.MayTrace(caps))
        {
            Assert.That(e.Message, Does.Contain("BPF_TRACE_FENTRY link: refused although").And.Contain(" effective").And.Not.Contain(EbpfPermissionException.Hint));
            Assert.That(e.InnerException, Is.InstanceOf<EbpfPermissionException>());
        }
        else
        {
            Assert.That(e.Message, Does.Contain(EbpfPermissionException.Hint));
        }
    }

    [Test]
    public void TracingCookieOnOldKernelIsNotSupported()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, Errno.EINVAL));
        var e = Assert.Throws<EbpfNotSupportedException>(() => MockPrograms.Tracing(ProgramFd, sys).AttachTracing(BpfAttachType.TraceFentry, cookie: 1))!;
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("5.19"));
    }

    [Test]
    public void RawTracepointCookieOnOldKernelIsNotSupported()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(() => new BpfFileDescriptor(66, ownsHandle: false));
        var cookies = new List<ulong>();
        sys.Setup(s => s.RawTracepointOpen(in It.Ref<RawTracepointOpenAttr>.IsAny))
            .Returns(new RawTracepointOpenReturn((in RawTracepointOpenAttr a) =>
            {
                cookies.Add(a.Cookie);
                throw new EbpfException(BpfCommand.RawTracepointOpen, Errno.EINVAL);
            }));

        var e = Assert.Throws<EbpfNotSupportedException>(() => MockPrograms.Of(ProgramFd, BpfProgramType.RawTracepoint, sys).AttachRawTracepoint("sys_enter", cookie: 7))!;
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("6.10"));
        Assert.That(cookies, Is.EqualTo(new ulong[] { 7, 1 }), "the attach, then the feature probe");
    }

    [TestCase("config:32-63\n", 32)]
    [TestCase("config:0", 0)]
    [TestCase("config1:0-63", null)]
    [TestCase("config:x", null)]
    [TestCase("config:64", null)]
    public void ProbePmuFormatGivesTheFirstConfigBit(string format, int? bit) => Assert.That(ProbePmu.ParseFirstConfigBit(format), Is.EqualTo(bit));

    [Test]
    public void UprobeReferenceCounterGoesAboveItsShiftAndNeedsThePmuFormat()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        PerfEventAttr seen = default;
        sys.As<ISystemCalls>().Setup(s => s.PerfEventOpen(in It.Ref<PerfEventAttr>.IsAny, It.IsAny<int>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<ulong>()))
            .Returns(new PerfEventOpenReturn((in PerfEventAttr a, int _, int _, int _, ulong _) =>
            {
                seen = a;
                throw new EbpfException("perf_event_open", Errno.EACCES);
            }));
        var pmu = new ProbePmu("uprobe", 7, 0) { RefCtrOffsetShift = 32 };
        Assert.Throws<EbpfException>(() => Uprobe.Attach(ProgramFd, "/bin/true", 0x1000, new UprobeOptions { ReturnProbe = true, ReferenceCounterOffset = 0x4010 }, sys.Object, pmu));
        Assert.That((seen.Type, seen.Config, seen.Config2), Is.EqualTo((7u, (0x4010UL << 32) | 1, 0x1000UL)));

        var old = new ProbePmu("uprobe", 7, 0);
        var e = Assert.Throws<EbpfNotSupportedException>(() => Uprobe.Attach(ProgramFd, "/bin/true", 0x1000, new UprobeOptions { ReferenceCounterOffset = 0x4010 }, sys.Object, old))!;
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("4.20"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Uprobe.Attach(ProgramFd, "/bin/true", 0x1000, new UprobeOptions { ReferenceCounterOffset = 1UL << 32 }, sys.Object, pmu));
    }

    [Test]
    public void FreplacePassesTargetProgramAndFunction()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        LinkCreateAttr seen = default;
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                seen = a;
                return new BpfFileDescriptor(64, ownsHandle: false);
            }));

        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.Ext, sys).AttachFreplace(MockPrograms.Of(Target, BpfProgramType.Xdp, sys), targetBtfId: 12);
        Assert.That((seen.ProgFd, seen.TargetFd, seen.TargetBtfId, (uint)seen.AttachType), Is.EqualTo((41u, 42u, 12u, 0u)));
    }

    [Test]
    public void CgroupFallsBackToProgAttachAndDetachesOnDispose()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, Errno.EINVAL));
        var calls = new List<(string, ProgAttachAttr)>();
        sys.Setup(s => s.ProgAttach(in It.Ref<ProgAttachAttr>.IsAny)).Callback(new ProgAttachCallback((in ProgAttachAttr a) => calls.Add(("attach", a))));
        sys.Setup(s => s.ProgDetach(in It.Ref<ProgAttachAttr>.IsAny)).Callback(new ProgAttachCallback((in ProgAttachAttr a) => calls.Add(("detach", a))));
        using var devNull = File.OpenHandle("/dev/null");
        using var devZero = File.OpenHandle("/dev/zero");
        var program = MockPrograms.Of(new BpfFileDescriptor((int)devNull.DangerousGetHandle(), ownsHandle: false), BpfProgramType.CgroupSkb, sys);
        var cgroup = new BpfFileDescriptor((int)devZero.DangerousGetHandle(), ownsHandle: false);

        var link = program.AttachCgroup(cgroup, BpfAttachType.CgroupInetIngress, CgroupAttachFlags.AllowOverride);
        Assert.That(link, Is.InstanceOf<ProgramAttachment>());
        link.Dispose();

        Assert.That(calls.Select(c => c.Item1), Is.EqualTo(new[] { "attach", "detach" }));
        Assert.That(calls[0].Item2.AttachFlags, Is.EqualTo(1u));
        Assert.That(calls[0].Item2.AttachType, Is.EqualTo(BpfAttachType.CgroupInetIngress));
        Assert.That(calls[0].Item2.TargetFd, Is.EqualTo((uint)cgroup.DangerousGetFd()));
    }

    [Test]
    public void LegacyPerfEventUsesSetBpfThenEnable()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, Errno.EINVAL));
        var requests = new List<ulong>();
        sys.As<ISystemCalls>().Setup(s => s.Ioctl(It.IsAny<BpfFileDescriptor>(), It.IsAny<ulong>(), It.IsAny<nint>()))
            .Callback((BpfFileDescriptor _, ulong request, nint _) => requests.Add(request))
            .Returns(0);

        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.Tracepoint, sys).AttachPerfEvent(new BpfFileDescriptor(65, ownsHandle: false));
        Assert.That(requests, Is.EqualTo(new ulong[] { 0x40042408, 0x2400 }));
        Assert.That(link.Detach, Throws.InstanceOf<EbpfNotSupportedException>());
        var e = Assert.Throws<EbpfNotSupportedException>(() => link.Info())!;
        Assert.That((e.MinimumKernelVersion, e.Errno), Is.EqualTo(("5.15", Errno.EINVAL)), "perf event bpf_links came in 5.15");
        Assert.That(e.Message, Does.StartWith("BPF_OBJ_GET_INFO_BY_FD on a perf event attachment (it needs a bpf_link: BPF_LINK_CREATE with BPF_PERF_EVENT)"));
        Assert.That(() => link.Pin("/sys/fs/bpf/x"), Throws.InstanceOf<EbpfNotSupportedException>().With.Message.StartWith("pinning on a perf event attachment"));
    }

    [Test]
    public void AttachmentsWithoutABpfLinkByDesignNameNoKernel()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        using var link = new SoftwareEventLink([], SoftwareEvent.CpuClock, sys.Object);
        var e = Assert.Throws<EbpfNotSupportedException>(() => link.Info())!;
        Assert.That(e.Message, Is.EqualTo("BPF_OBJ_GET_INFO_BY_FD needs a bpf_link, and this SoftwareEventLink has none (attached without BPF_LINK_CREATE)"));
    }

    [TestCase(BpfAttachType.TraceFentry, Errno.ENOENT)]
    [TestCase(BpfAttachType.LsmMac, Errno.EINVAL)]
    public void ReattachingATracingProgramOnAKernelThatForgotItsTargetIsNotSupported(BpfAttachType attachType, Errno linkCreate)
    {
        // Linux 5.10: BPF_LINK_CREATE (fentry) or, after its EINVAL, BPF_RAW_TRACEPOINT_OPEN (lsm) answers ENOENT once the
        // program's first link closed.
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, linkCreate));
        sys.Setup(s => s.RawTracepointOpen(in It.Ref<RawTracepointOpenAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.RawTracepointOpen, Errno.ENOENT));
        var program = attachType == BpfAttachType.LsmMac ? MockPrograms.Of(ProgramFd, BpfProgramType.Lsm, sys) : MockPrograms.Tracing(ProgramFd, sys);
        var e = Assert.Throws<EbpfNotSupportedException>(() => program.AttachTracing(attachType))!;
        Assert.That((e.MinimumKernelVersion, e.Errno), Is.EqualTo(("5.13", Errno.ENOENT)));
        Assert.That(e.Message, Does.Contain("again after its first link was closed"));
    }

    [Test]
    public void TpBtfEnoentIsNotTakenForAReattach()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, Errno.EINVAL));
        sys.Setup(s => s.RawTracepointOpen(in It.Ref<RawTracepointOpenAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.RawTracepointOpen, Errno.ENOENT));
        Assert.That(() => MockPrograms.Tracing(ProgramFd, sys).AttachTracing(BpfAttachType.TraceRawTp),
            Throws.TypeOf<EbpfException>().With.Property(nameof(EbpfException.Errno)).EqualTo(Errno.ENOENT));
    }

    [Test]
    public void TracingLinkInfoWithoutTargetFieldsReportsThemAbsent()
    {
        // Linux 5.10 fills only tracing.attach_type; 5.13+ adds target_obj_id and target_btf_id.
        var old = new BpfLinkInfo { Id = 3, Type = BpfLinkType.Tracing, ProgId = 4, TracingAttachType = BpfAttachType.TraceFexit };
        var info = LinkInfoReader.ToRecord(old, null);
        Assert.That((info.AttachType, info.TargetBtfId, info.TargetObjectId), Is.EqualTo(((BpfAttachType?)BpfAttachType.TraceFexit, (uint?)null, (uint?)null)));
        var current = old with { TracingTargetObjId = 1, TracingTargetBtfId = 13893 };
        info = LinkInfoReader.ToRecord(current, null);
        Assert.That((info.TargetBtfId, info.TargetObjectId), Is.EqualTo(((uint?)13893, (uint?)1)));
    }
}
