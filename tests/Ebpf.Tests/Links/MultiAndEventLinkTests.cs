using System.Diagnostics;
using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Moq;

namespace Ebpf.Tests.Links;

/// <summary>kprobe_multi (mocked and unsupported here), struct_ops (mocked), software perf events and sockmap attachments.</summary>
public sealed unsafe class MultiAndEventLinkTests
{
    private static readonly BpfFileDescriptor ProgramFd = new(41, ownsHandle: false);

    [Test]
    public void KprobeMultiPassesSymbolsAndCookies()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        string[]? names = null;
        ulong[]? cookies = null;
        uint flags = 0;
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                var syms = (ulong*)a.KprobeMultiSyms;
                names = Enumerable.Range(0, (int)a.KprobeMultiCnt).Select(i => Marshal.PtrToStringUTF8((nint)syms[i])!).ToArray();
                cookies = new ReadOnlySpan<ulong>((void*)a.KprobeMultiCookies, (int)a.KprobeMultiCnt).ToArray();
                flags = a.KprobeMultiFlags;
                Assert.That(a.AttachType, Is.EqualTo(BpfAttachType.TraceKprobeMulti));
                return new BpfFileDescriptor(60, ownsHandle: false);
            }));

        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.Kprobe, sys).AttachKprobeMulti(["vfs_read", "vfs_write"], new KprobeMultiOptions { ReturnProbe = true, Cookies = [3, 4] });
        Assert.That(names, Is.EqualTo(new[] { "vfs_read", "vfs_write" }));
        Assert.That(cookies, Is.EqualTo(new ulong[] { 3, 4 }));
        Assert.That(flags, Is.EqualTo(1u));
    }

    [Test]
    public void SessionsLinkWithTheSessionAttachTypesAndTakeNoReturnProbe()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var created = new List<(BpfAttachType AttachType, uint Flags)>();
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                created.Add((a.AttachType, a.AttachType == BpfAttachType.TraceKprobeSession ? a.KprobeMultiFlags : a.UprobeMultiFlags));
                return new BpfFileDescriptor(60, ownsHandle: false);
            }));
        using var program = MockPrograms.Of(ProgramFd, BpfProgramType.Kprobe, sys);
        using (program.AttachKprobeMulti(["vfs_read"], new KprobeMultiOptions { Session = true }))
        using (program.AttachUprobeMultiAtOffsets("/bin/true", [0x10], new UprobeMultiOptions { Session = true }))
        {
            Assert.That(created, Is.EqualTo(new[] { (BpfAttachType.TraceKprobeSession, 0u), (BpfAttachType.TraceUprobeSession, 0u) }), "no return flag: a session runs on return by itself");
        }

        Assert.Throws<ArgumentException>(() => program.AttachKprobeMulti(["vfs_read"], new KprobeMultiOptions { Session = true, ReturnProbe = true }));
        Assert.Throws<ArgumentException>(() => program.AttachUprobeMultiAtOffsets("/bin/true", [0x10], new UprobeMultiOptions { Session = true, ReturnProbe = true }));
        Assert.That(created, Has.Count.EqualTo(2), "refused before any system call");
    }

    [Test]
    public void StructOpsLinkPassesTheMapAndUpdatesWithAnotherMap()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        LinkCreateAttr created = default;
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                created = a;
                return new BpfFileDescriptor(61, ownsHandle: false);
            }));
        LinkUpdateAttr updated = default;
        sys.Setup(s => s.LinkUpdate(in It.Ref<LinkUpdateAttr>.IsAny)).Callback(new LinkUpdateCallback((in LinkUpdateAttr a) => updated = a));

        using var link = StructOpsLink.Attach(new BpfFileDescriptor(70, ownsHandle: false), sys.Object);
        link.Update(new BpfFileDescriptor(71, ownsHandle: false));
        Assert.That((created.ProgFd, created.AttachType), Is.EqualTo((70u, BpfAttachType.StructOps)));
        Assert.That((updated.LinkFd, updated.NewProgFd), Is.EqualTo((61u, 71u)));
    }

    [Test]
    [Category("Kernel")]
    [Category("Link")]
    public void KprobeMultiIsNotSupportedHere()
    {
        using var loader = new TestProgramLoader();
        using var program = loader.Load(BpfProgramType.Kprobe, expectedAttachType: BpfAttachType.TraceKprobeMulti);
        try
        {
            using var link = program.AttachKprobeMulti(["vfs_read"]);
            Assert.Ignore("kprobe_multi: this kernel supports it; the unsupported path cannot be shown");
        }
        catch (EbpfNotSupportedException e)
        {
            Assert.That(e.Feature, Does.Contain("kprobe_multi"));
            Assert.That(e.MinimumKernelVersion, Is.EqualTo("5.18"));
        }
    }

    [Test]
    [Category("Kernel")]
    [Category("Link")]
    public void SoftwareCpuClockSamples()
    {
        using var loader = new TestProgramLoader();
        using var program = loader.Load(BpfProgramType.PerfEvent);
        var link = program.AttachSoftwareEvent(SoftwareEvent.CpuClock, frequency: 1000);
        var perCpu = link.PerCpu;
        try
        {
            Assert.That(perCpu, Has.Count.EqualTo(SoftwareEvents.OnlineCpus().Count()));
            var watch = Stopwatch.StartNew();
            while (loader.Count == 0 && watch.ElapsedMilliseconds < 2000)
            {
                Thread.SpinWait(10000);
            }

            Assert.That(loader.Count, Is.GreaterThan(0UL));
            PerfEventLinkInfo.AssertKind(perCpu[0], PerfEventLinkKind.Event);
            Assert.That(link.Info, Throws.InstanceOf<EbpfNotSupportedException>(), "the set has no bpf_link of its own");
        }
        finally
        {
            link.Dispose();
        }

        Assert.That(perCpu.Select(l => l.IsDisposed), Is.All.True, "disposing the set disposes every CPU's link");
        Thread.Sleep(20); // a sample that was running when the events closed
        ulong after = loader.Count;
        Thread.Sleep(50);
        Assert.That(loader.Count, Is.EqualTo(after), "no samples after dispose");
    }

    [Test]
    [Category("Kernel")]
    [Category("Link")]
    public void SkSkbVerdictAttachesToASockmap()
    {
        using var loader = new TestProgramLoader();
        using var map = Map.Open(TestProgramLoader.Sys.MapCreate(new MapCreateAttr { MapType = BpfMapType.Sockmap, KeySize = 4, ValueSize = 4, MaxEntries = 2 }));
        using var program = loader.Load(BpfProgramType.SkSkb, result: 1, expectedAttachType: BpfAttachType.SkSkbStreamVerdict);
        using var link = program.AttachSockmap(map, BpfAttachType.SkSkbStreamVerdict);
        if (link.Fd is not null)
        {
            Assert.That(link.Info().Type, Is.EqualTo(BpfLinkType.Sockmap));
        }

        var ids = new uint[4];
        fixed (uint* p = ids)
        {
            var attr = new ProgQueryAttr
            {
                TargetFd = (uint)map.FileDescriptor.DangerousGetFd(), AttachType = BpfAttachType.SkSkbStreamVerdict, ProgIds = (ulong)p, ProgCnt = 4,
            };
            try
            {
                TestProgramLoader.Sys.ProgQuery(ref attr);
            }
            catch (EbpfException e) when (e.Errno == Errno.EINVAL && link.Fd is null)
            {
                // BPF_PROG_QUERY knows sockmaps since Linux 5.18: before, the kernel's BPF_PROG_DETACH shows the attachment,
                // accepting the attached program once and then answering ENOENT.
                AssertAttachedByDetaching(map, program, (ProgramAttachment)link);
                return;
            }

            Assert.That(ids[..(int)attr.ProgCnt], Is.EqualTo(new[] { TestProgramLoader.ProgramId(program) }));
        }
    }

    /// <summary>Detaches <paramref name="link"/>, which must succeed; a second <c>BPF_PROG_DETACH</c> of the program must find nothing.</summary>
    private static void AssertAttachedByDetaching(Map map, Program program, ProgramAttachment link)
    {
        var detach = new ProgAttachAttr
        {
            TargetFd = (uint)map.FileDescriptor.DangerousGetFd(), AttachBpfFd = (uint)program.FileDescriptor.DangerousGetFd(),
            AttachType = BpfAttachType.SkSkbStreamVerdict,
        };
        Assert.That(link.Detach, Throws.Nothing, "the program was attached");
        Assert.That(() => TestProgramLoader.Sys.ProgDetach(detach),
            Throws.InstanceOf<EbpfException>().With.Property(nameof(EbpfException.Errno)).EqualTo(Errno.ENOENT), "and is detached now");
    }

    [Test]
    [Category("Kernel")]
    [Category("Link")]
    public void SkMsgFiresOnSendsOfASocketInTheSockmap()
    {
        using var loader = new TestProgramLoader();
        using var map = Map.Open(TestProgramLoader.Sys.MapCreate(new MapCreateAttr { MapType = BpfMapType.Sockmap, KeySize = 4, ValueSize = 4, MaxEntries = 2 }));
        using var program = loader.Load(BpfProgramType.SkMsg, result: 1, expectedAttachType: BpfAttachType.SkMsgVerdict); // SK_PASS
        using var link = program.AttachSockmap(map, BpfAttachType.SkMsgVerdict);

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Tcp);
        client.Connect((System.Net.IPEndPoint)listener.LocalEndpoint);
        using var server = listener.AcceptSocket();
        uint key = 0;
        uint fd = (uint)client.Handle;
        TestProgramLoader.Sys.MapUpdateElem(new MapElemAttr { MapFd = (uint)map.FileDescriptor.DangerousGetFd(), Key = (ulong)&key, Value = (ulong)&fd });

        client.Send(new byte[] { 1, 2, 3 });
        var buffer = new byte[8];
        server.ReceiveTimeout = 1000;
        Assert.That(server.Receive(buffer), Is.EqualTo(3));
        Assert.That(loader.Count, Is.GreaterThan(0UL));
    }

    [TestCase("last", 16u, 0u)]
    [TestCase("first", 8u, 0u)]
    [TestCase("beforeProgram", 8u, 41u)]
    [TestCase("afterProgramId", 16u | 32u, 77u)]
    [TestCase("beforeLinkId", 8u | 8192u | 32u, 78u)]
    public void DeviceLinksEncodeAnchors(string anchor, uint flags, uint relative)
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        LinkCreateAttr created = default;
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                created = a;
                return new BpfFileDescriptor(62, ownsHandle: false);
            }));
        var value = anchor switch
        {
            "last" => LinkAnchor.Last,
            "first" => LinkAnchor.First,
            "beforeProgram" => LinkAnchor.BeforeProgram(ProgramFd),
            "afterProgramId" => LinkAnchor.AfterProgramId(77),
            _ => LinkAnchor.BeforeLinkId(78),
        };

        using var link = MockPrograms.Of(ProgramFd, BpfProgramType.SchedCls, sys).AttachNetkit(5, BpfAttachType.NetkitPeer, new DeviceLinkOptions { Anchor = value, ExpectedRevision = 3 });
        using var scope = Assert.EnterMultipleScope();
        Assert.That(created.TargetIfIndex, Is.EqualTo(5u));
        Assert.That(created.AttachType, Is.EqualTo(BpfAttachType.NetkitPeer));
        Assert.That(created.Flags, Is.EqualTo(flags));
        Assert.That(created.RelativeFdOrId, Is.EqualTo(relative));
        Assert.That(created.ExpectedRevision, Is.EqualTo(3UL));
    }
}
