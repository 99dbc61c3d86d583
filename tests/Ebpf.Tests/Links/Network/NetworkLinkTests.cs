using System.Net;
using System.Net.Sockets;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>XDP, TCX, sk_lookup and netfilter links over a veth pair into a private network namespace; socket filters.</summary>
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public sealed unsafe class NetworkLinkTests : CountingProgramFixture
{
    [Test]
    public void XdpSeesPacketsAndStopsAfterDispose()
    {
        using var veth = VethNamespace.Create();
        using var program = Loader.Load(BpfProgramType.Xdp, result: 2); // XDP_PASS
        var link = program.AttachXdp(veth.HostInterface);
        Assert.That(Loader.WaitAbove(0, veth.SendFromNamespace), Is.GreaterThan(0UL));
        var info = link.Info();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.Xdp));
        Assert.That(info.IfIndex, Is.EqualTo(veth.HostIfIndex));
        using (var json = System.Text.Json.JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "link", "show", "id", info.Id.ToString())))
        {
            Assert.That(json.RootElement.GetProperty("type").GetString(), Is.EqualTo("xdp"));
            Assert.That(json.RootElement.GetProperty("prog_id").GetUInt32(), Is.EqualTo(info.ProgramId));
            if (json.RootElement.TryGetProperty("ifindex", out var ifIndex))
            {
                Assert.That(ifIndex.GetInt32(), Is.EqualTo(info.IfIndex)); // bpftool 7.1 does not print it yet
            }
        }

        veth.AssertNotCountedAfter(link.Dispose, Loader);
    }

    [Test]
    public void XdpUpdateSwapsTheProgramAndDetachStopsIt()
    {
        using var veth = VethNamespace.Create();
        using var other = new TestProgramLoader();
        using var program = Loader.Load(BpfProgramType.Xdp, result: 2);
        using var replacement = other.Load(BpfProgramType.Xdp, result: 2);
        using var link = program.AttachXdp(veth.HostIfIndex, XdpAttachFlags.Generic);
        link.Update(replacement);
        Assert.That(link.Info().ProgramId, Is.EqualTo(TestProgramLoader.ProgramId(replacement)));
        ulong before = Loader.Count;
        Assert.That(other.WaitAbove(0, veth.SendFromNamespace), Is.GreaterThan(0UL));
        Assert.That(Loader.Count, Is.EqualTo(before));

        veth.AssertNotCountedAfter(link.Detach, other);
    }

    [Test]
    public void TcxOrdersByAnchorAndFires()
    {
        using var veth = VethNamespace.Create();
        using var first = Loader.Load(BpfProgramType.SchedCls, result: -1, name: "tcx_a"); // TCX_NEXT
        using var second = Loader.Load(BpfProgramType.SchedCls, result: -1, name: "tcx_b");
        using var linkA = KernelRefusal.Run("tcx links", () => first.AttachTcx(veth.HostIfIndex, BpfAttachType.TcxIngress));
        using var linkB = second.AttachTcx(veth.HostIfIndex, BpfAttachType.TcxIngress, new DeviceLinkOptions { Anchor = LinkAnchor.BeforeProgram(first) });
        Assert.That(QueryDevice(veth.HostIfIndex, BpfAttachType.TcxIngress),
            Is.EqualTo(new[] { TestProgramLoader.ProgramId(second), TestProgramLoader.ProgramId(first) }));

        using var third = Loader.Load(BpfProgramType.SchedCls, result: -1, name: "tcx_c");
        using var linkC = third.AttachTcx(veth.HostIfIndex, BpfAttachType.TcxIngress, new DeviceLinkOptions { Anchor = LinkAnchor.First });
        Assert.That(QueryDevice(veth.HostIfIndex, BpfAttachType.TcxIngress)[0], Is.EqualTo(TestProgramLoader.ProgramId(third)));

        Assert.That(Loader.WaitAbove(0, veth.SendFromNamespace), Is.GreaterThan(0UL));
        var info = linkB.Info();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.Tcx));
        Assert.That(info.AttachType, Is.EqualTo(BpfAttachType.TcxIngress));
        Assert.That(info.IfIndex, Is.EqualTo(veth.HostIfIndex));

        var stale = Assert.Throws<EbpfException>(() => third.AttachTcx(veth.HostIfIndex, BpfAttachType.TcxEgress, new DeviceLinkOptions { ExpectedRevision = 99 }))!;
        Assert.That(stale.Errno, Is.Not.EqualTo(Errno.None));
    }

    [Test]
    public void SkLookupRunsInTheNamespace()
    {
        using var veth = VethNamespace.Create();
        using var program = Loader.Load(BpfProgramType.SkLookup, result: 1, expectedAttachType: BpfAttachType.SkLookup); // SK_PASS
        using var link = program.AttachNetns(veth.NamespacePath, BpfAttachType.SkLookup);
        Assert.That(Loader.WaitAbove(0, veth.SendIntoNamespace), Is.GreaterThan(0UL));
        var info = link.Info();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.Netns));
        Assert.That(info.AttachType, Is.EqualTo(BpfAttachType.SkLookup));
        Assert.That(info.NetnsInode, Is.GreaterThan(0u));
    }

    [Test]
    public void NetfilterLocalOutFires()
    {
        KernelRefusal.Require("netfilter programs", () => Features.Default.HaveProgramType(BpfProgramType.Netfilter));
        using var program = Loader.Load(BpfProgramType.Netfilter, result: 1, expectedAttachType: BpfAttachType.Netfilter); // NF_ACCEPT
        using var link = program.AttachNetfilter(NetfilterProtocolFamily.IPv4, NetfilterHook.LocalOut, priority: 1234);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Assert.That(Loader.WaitAbove(0, () => socket.SendTo(new byte[] { 1 }, new IPEndPoint(IPAddress.Loopback, 9))), Is.GreaterThan(0UL));
        var info = link.Info();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.Netfilter));
        Assert.That(info.Netfilter, Is.EqualTo((2u, 3u, 1234, 0u)));
    }

    [Test]
    public void SocketFilterDropsUntilDisposed()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var program = Loader.Load(BpfProgramType.SocketFilter, result: 0);
        var filter = program.AttachSocketFilter(receiver);
        for (int i = 0; i < 3; i++)
        {
            sender.SendTo(new byte[] { 1 }, receiver.LocalEndPoint!);
        }

        Thread.Sleep(50);
        Assert.That(Loader.Count, Is.EqualTo(3UL));
        Assert.That(receiver.Available, Is.Zero, "the filter dropped every datagram");

        filter.Dispose();
        sender.SendTo(new byte[] { 2 }, receiver.LocalEndPoint!);
        receiver.ReceiveTimeout = 1000;
        var buffer = new byte[4];
        Assert.That(receiver.Receive(buffer), Is.EqualTo(1));
        Assert.That(buffer[0], Is.EqualTo(2));
        Assert.That(Loader.Count, Is.EqualTo(3UL));
    }

    private static uint[] QueryDevice(int ifIndex, BpfAttachType type)
    {
        var ids = new uint[8];
        fixed (uint* p = ids)
        {
            var attr = new ProgQueryAttr { TargetFd = (uint)ifIndex, AttachType = type, ProgIds = (ulong)p, ProgCnt = 8 };
            TestProgramLoader.Sys.ProgQuery(ref attr);
            return ids[..(int)attr.ProgCnt];
        }
    }
}
