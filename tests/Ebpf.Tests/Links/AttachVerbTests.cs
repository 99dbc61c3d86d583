using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Moq;

namespace Ebpf.Tests.Links;

/// <summary>
/// The attach verbs on <see cref="Ebpf.Kernel.Program"/> and <see cref="Map"/> over a mocked kernel: each one reaches the kernel
/// through the interface its program was made with, puts its arguments and options into the attr, and returns the
/// typed link of its kind.
/// </summary>
public sealed unsafe class AttachVerbTests
{
    private static readonly BpfFileDescriptor ProgramFd = new(41, ownsHandle: false);

    [Test]
    public void AttachXdpPassesDeviceAndMode()
    {
        var (sys, created) = LinkCreateKernel();
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.Xdp, sys).AttachXdp(7, XdpAttachFlags.Generic);
        Assert.That(link, Is.TypeOf<XdpLink>());
        Assert.That(link.IfIndex, Is.EqualTo(7));
        Assert.That((created[0].ProgFd, created[0].TargetIfIndex, created[0].AttachType, created[0].Flags),
            Is.EqualTo((41u, 7u, BpfAttachType.Xdp, 2u)));
    }

    [Test]
    public void AttachTcxPassesAnchorAndExpectedRevision()
    {
        var (sys, created) = LinkCreateKernel();
        var options = new DeviceLinkOptions { Anchor = LinkAnchor.AfterProgramId(77), ExpectedRevision = 5 };
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.SchedCls, sys).AttachTcx(3, BpfAttachType.TcxEgress, options);
        Assert.That((link.IfIndex, link.AttachType), Is.EqualTo((3, BpfAttachType.TcxEgress)));
        Assert.That((created[0].TargetIfIndex, created[0].Flags, created[0].RelativeFdOrId, created[0].ExpectedRevision),
            Is.EqualTo((3u, LinkAnchor.FlagAfter | LinkAnchor.FlagId, 77u, 5UL)));
    }

    [Test]
    public void AttachTcxWithoutOptionsGoesLastAtAnyRevision()
    {
        var (sys, created) = LinkCreateKernel();
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.SchedCls, sys).AttachTcx(3, BpfAttachType.TcxIngress);
        Assert.That((created[0].Flags, created[0].RelativeFdOrId, created[0].ExpectedRevision), Is.EqualTo((LinkAnchor.FlagAfter, 0u, 0UL)));
    }

    [Test]
    public void DeviceVerbsRefuseAnotherHookBeforeCallingTheKernel()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.SchedCls, sys);
        Assert.Throws<ArgumentOutOfRangeException>(() => program.AttachTcx(3, BpfAttachType.NetkitPeer));
        Assert.Throws<ArgumentOutOfRangeException>(() => program.AttachNetkit(3, BpfAttachType.TcxIngress));
    }

    [Test]
    public void AttachNetfilterPassesFamilyHookPriorityAndFlags()
    {
        var (sys, created) = LinkCreateKernel();
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.Netfilter, sys).AttachNetfilter(NetfilterProtocolFamily.IPv6, NetfilterHook.LocalIn, -200, NetfilterAttachFlags.IpDefrag);
        Assert.That((link.ProtocolFamily, link.Hook, link.Priority), Is.EqualTo((NetfilterProtocolFamily.IPv6, NetfilterHook.LocalIn, -200)));
        Assert.That((created[0].AttachType, created[0].NetfilterPf, created[0].NetfilterHooknum, created[0].NetfilterPriority, created[0].NetfilterFlags),
            Is.EqualTo((BpfAttachType.Netfilter, 10u, 1u, -200, 1u)));
    }

    [Test]
    public void AttachNetnsPassesTheNamespaceDescriptor()
    {
        var (sys, created) = LinkCreateKernel();
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.SkLookup, sys)
            .AttachNetns(new BpfFileDescriptor(43, ownsHandle: false), BpfAttachType.SkLookup);
        Assert.That(link.AttachType, Is.EqualTo(BpfAttachType.SkLookup));
        Assert.That((created[0].ProgFd, created[0].TargetFd, created[0].AttachType), Is.EqualTo((41u, 43u, BpfAttachType.SkLookup)));
    }

    [Test]
    public void AttachRawTracepointPassesNameAndCookie()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        (string? Name, uint ProgFd, ulong Cookie) seen = default;
        sys.Setup(s => s.RawTracepointOpen(in It.Ref<RawTracepointOpenAttr>.IsAny))
            .Returns(new RawTracepointOpenReturn((in RawTracepointOpenAttr a) =>
            {
                seen = (System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)a.Name), a.ProgFd, a.Cookie);
                return new BpfFileDescriptor(60, ownsHandle: false);
            }));
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.RawTracepoint, sys).AttachRawTracepoint("sys_enter", cookie: 9);
        Assert.That(link.Name, Is.EqualTo("sys_enter"));
        Assert.That(seen, Is.EqualTo(("sys_enter", 41u, 9UL)));
    }

    [Test]
    public void AttachTracingPassesAttachTypeAndCookie()
    {
        var (sys, created) = LinkCreateKernel();
        using var link = MockPrograms.Tracing(ProgramFd, sys).AttachTracing(BpfAttachType.TraceFexit, cookie: 11);
        Assert.That(link, Is.TypeOf<TracingLink>());
        Assert.That((created[0].AttachType, created[0].TracingCookie, created[0].TargetFd), Is.EqualTo((BpfAttachType.TraceFexit, 11UL, 0u)));
    }

    [Test]
    public void AttachFreplaceWithoutATargetUsesTheLoadTimeTarget()
    {
        var (sys, created) = LinkCreateKernel();
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.Ext, sys).AttachFreplace();
        Assert.That((created[0].ProgFd, created[0].TargetFd, created[0].TargetBtfId, (uint)created[0].AttachType), Is.EqualTo((41u, 0u, 0u, 0u)));
    }

    [Test]
    public void AttachUprobeMultiAtOffsetsPassesOptions()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        (string? Path, ulong[] Offsets, ulong[] Cookies, uint Flags, uint Pid) seen = default;
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                int count = (int)a.UprobeMultiCnt;
                seen = (System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)a.UprobeMultiPath),
                    new ReadOnlySpan<ulong>((void*)a.UprobeMultiOffsets, count).ToArray(),
                    new ReadOnlySpan<ulong>((void*)a.UprobeMultiCookies, count).ToArray(), a.UprobeMultiFlags, a.UprobeMultiPid);
                Assert.That(a.AttachType, Is.EqualTo(BpfAttachType.TraceUprobeMulti));
                return new BpfFileDescriptor(61, ownsHandle: false);
            }));
        var options = new UprobeMultiOptions { ReturnProbe = true, Pid = 1234, Cookies = [5, 6] };
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.Kprobe, sys).AttachUprobeMultiAtOffsets("/bin/true", [0x10, 0x20], options);
        Assert.That(link, Is.TypeOf<UprobeMultiLink>());
        using var scope = Assert.EnterMultipleScope();
        Assert.That(seen.Path, Is.EqualTo("/bin/true"));
        Assert.That(seen.Offsets, Is.EqualTo(new ulong[] { 0x10, 0x20 }));
        Assert.That(seen.Cookies, Is.EqualTo(new ulong[] { 5, 6 }));
        Assert.That((seen.Flags, seen.Pid), Is.EqualTo((1u, 1234u)));
    }

    [Test]
    public void MultiProbeCookiesMustMatchTheLocations()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.Kprobe, sys);
        Assert.Throws<ArgumentException>(() => program.AttachUprobeMultiAtOffsets("/bin/true", [0x10], new UprobeMultiOptions { Cookies = [1, 2] }));
        Assert.Throws<ArgumentException>(() => program.AttachKprobeMulti(["vfs_read"], new KprobeMultiOptions { Cookies = [1, 2] }));
        Assert.Throws<ArgumentException>(() => program.AttachKprobeMulti([]));
    }

    [Test]
    public void KretprobeOptionsTakeNoOffset()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var e = Assert.Throws<ArgumentException>(() =>
            Kprobe.Attach(ProgramFd, "do_unlinkat", new KprobeOptions { ReturnProbe = true, Offset = 4 }, sys.Object, new ProbePmu("kprobe", 6, 0)))!;
        Assert.That(e.ParamName, Is.EqualTo("options"));
    }

    [Test]
    public void AttachIteratorOverAMapPassesTheMapDescriptor()
    {
        var (sys, created) = LinkCreateKernel();
        uint iteratedMap = 0;
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                created.Add(a);
                iteratedMap = *(uint*)a.IterInfo;
                return new BpfFileDescriptor(62, ownsHandle: false);
            }));
        using var map = MockMap(sys, 44);
        using var link = MockPrograms.Tracing(ProgramFd, sys).AttachIterator(map);
        Assert.That((created[0].AttachType, created[0].IterInfoLen, iteratedMap), Is.EqualTo((BpfAttachType.TraceIter, 16u, 44u)));
    }

    [Test]
    public void AttachSockmapMakesALinkOrFallsBackToProgAttach()
    {
        var (sys, created) = LinkCreateKernel();
        using var map = MockMap(sys, 45);
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.SkMsg, sys);
        using (var link = program.AttachSockmap(map, BpfAttachType.SkMsgVerdict))
        {
            Assert.That(link, Is.TypeOf<SockmapLink>());
            Assert.That((created[0].TargetFd, created[0].AttachType), Is.EqualTo((45u, BpfAttachType.SkMsgVerdict)));
        }

        using var devNull = File.OpenHandle("/dev/null");
        using var devZero = File.OpenHandle("/dev/zero");
        var old = new Mock<IBpfSyscalls>();
        old.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, Errno.EINVAL));
        old.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => new BpfFileDescriptor((int)devZero.DangerousGetHandle(), ownsHandle: false));
        using var oldMap = Map.Create(new MapSpec { Name = "socks", Type = BpfMapType.Sockmap, KeySize = 4, ValueSize = 4, MaxEntries = 2 }, syscalls: old.Object);
        var oldProgram = MockPrograms.Of(new BpfFileDescriptor((int)devNull.DangerousGetHandle(), ownsHandle: false), BpfProgramType.SkMsg, old);
        using var attachment = oldProgram.AttachSockmap(oldMap, BpfAttachType.SkMsgVerdict);
        Assert.That(attachment, Is.TypeOf<ProgramAttachment>());
        old.Verify(s => s.ProgAttach(in It.Ref<ProgAttachAttr>.IsAny), Times.Once);
    }

    [Test]
    public void AttachRawPassesTargetTypeAndFlags()
    {
        var sys = new Mock<IBpfSyscalls>();
        ProgAttachAttr seen = default;
        sys.Setup(s => s.ProgAttach(in It.Ref<ProgAttachAttr>.IsAny)).Callback(new ProgAttachCallback((in ProgAttachAttr a) => seen = a));
        using var devNull = File.OpenHandle("/dev/null");
        using var devZero = File.OpenHandle("/dev/zero");
        var program = MockPrograms.Of(new BpfFileDescriptor((int)devNull.DangerousGetHandle(), ownsHandle: false), BpfProgramType.CgroupSkb, sys);
        var target = new BpfFileDescriptor((int)devZero.DangerousGetHandle(), ownsHandle: false);
        using var attachment = program.AttachRaw(target, BpfAttachType.CgroupInetIngress, (uint)CgroupAttachFlags.AllowMulti);
        Assert.That(attachment.AttachType, Is.EqualTo(BpfAttachType.CgroupInetIngress));
        Assert.That((seen.TargetFd, seen.AttachType, seen.AttachFlags), Is.EqualTo(((uint)target.DangerousGetFd(), BpfAttachType.CgroupInetIngress, 2u)));
    }

    [Test]
    public void UpdateWithAProgramPassesItsDescriptor()
    {
        var (sys, _) = LinkCreateKernel();
        LinkUpdateAttr updated = default;
        sys.Setup(s => s.LinkUpdate(in It.Ref<LinkUpdateAttr>.IsAny)).Callback(new LinkUpdateCallback((in LinkUpdateAttr a) => updated = a));
        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.Xdp, sys).AttachXdp(7);
        link.Update(MockPrograms.Of(new BpfFileDescriptor(46, ownsHandle: false), BpfProgramType.Xdp, sys));
        Assert.That((updated.LinkFd, updated.NewProgFd), Is.EqualTo((60u, 46u)));
    }

    [Test]
    public void VerbsRefuseANullProgram()
    {
        Program program = null!;
        Assert.Throws<ArgumentNullException>(() => program.AttachXdp(1));
        Assert.Throws<ArgumentNullException>(() => program.AttachTracepoint("syscalls", "sys_enter_getpid"));
        Assert.Throws<ArgumentNullException>(() => program.AttachKprobe("do_unlinkat"));
        Assert.Throws<ArgumentNullException>(() => ((Map)null!).AttachStructOps());
    }

    /// <summary>A kernel whose <c>BPF_LINK_CREATE</c> records each attr and returns descriptor 60.</summary>
    private static (Mock<IBpfSyscalls> Sys, List<LinkCreateAttr> Created) LinkCreateKernel()
    {
        var sys = new Mock<IBpfSyscalls>();
        var created = new List<LinkCreateAttr>();
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                created.Add(a);
                return new BpfFileDescriptor(60, ownsHandle: false);
            }));
        return (sys, created);
    }

    /// <summary>A map created through <paramref name="sys"/> with descriptor <paramref name="fd"/>.</summary>
    private static Map MockMap(Mock<IBpfSyscalls> sys, int fd)
    {
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => new BpfFileDescriptor(fd, ownsHandle: false));
        return Map.Create(new MapSpec { Name = "mocked", Type = BpfMapType.Array, KeySize = 4, ValueSize = 8, MaxEntries = 4 }, syscalls: sys.Object);
    }
}
