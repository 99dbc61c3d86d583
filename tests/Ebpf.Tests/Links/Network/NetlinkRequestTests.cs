using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Links;
using static Ebpf.Tests.Asm.Bytes;

namespace Ebpf.Tests.Links;

/// <summary>
/// The rtnetlink requests of TC classifiers and netlink XDP over a mocked kernel: the exact bytes of each request
/// (as <c>tc</c>, <c>ip</c> and libbpf send them), the answers read back (echoes, dumps, links), and refusals turned
/// into exceptions with the kernel's extended acknowledgement text.
/// </summary>
public sealed class NetlinkRequestTests
{
    private static readonly BpfFileDescriptor ProgramFd = new(41, ownsHandle: false);
    private static readonly BpfFileDescriptor OtherFd = new(42, ownsHandle: false);

    [Test]
    public void ClsactCreateSendsTheQdiscAndDisposeRemovesIt()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Ack(1)).Answer(NetlinkKernelMock.Ack(1));
        var qdisc = ClsactQdisc.Create(7, kernel.Syscalls.Object);
        Assert.That(qdisc.Created, Is.True);
        // nlmsghdr: length 48, RTM_NEWQDISC, REQUEST|ACK|EXCL|CREATE, seq 1; tcmsg: ifindex 7, handle ffff:0, parent
        // ffff:fff1 (TC_H_CLSACT); TCA_KIND "clsact".
        Assert.That(kernel.Sent[0], Is.EqualTo(Hex(
            "30000000 2400 0506 01000000 00000000"
            + "00000000 07000000 0000ffff f1ffffff 00000000"
            + "0b00 0100 636c7361637400 00")));

        qdisc.Dispose();
        Assert.That(kernel.Sent[1][4..8], Is.EqualTo(Hex("2500 0500")), "RTM_DELQDISC, REQUEST|ACK");
        Assert.That(kernel.Sent[1][16..], Is.EqualTo(kernel.Sent[0][16..]));
        qdisc.Dispose();
        Assert.That(kernel.Sent, Has.Count.EqualTo(2));
    }

    [Test]
    public void ClsactThatExistsIsKeptAndNotRemoved()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Ack(1, 17, "Exclusivity flag on, cannot override"));
        using (var qdisc = ClsactQdisc.Create(7, kernel.Syscalls.Object))
        {
            Assert.That(qdisc.Created, Is.False);
        }

        Assert.That(kernel.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public void ClsactUnknownToTheKernelIsNotSupported()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Ack(1, 2, "Specified qdisc kind is unknown"));
        var e = Assert.Throws<EbpfNotSupportedException>(() => ClsactQdisc.Create(7, kernel.Syscalls.Object))!;
        Assert.That((e.Feature, e.MinimumKernelVersion, e.Errno), Is.EqualTo(("the clsact qdisc (CONFIG_NET_SCH_INGRESS)", "4.5", Errno.ENOENT)));
        Assert.That(e.InnerException!.Message, Does.Contain("Specified qdisc kind is unknown"));
    }

    [Test]
    public void AttachTcClassifierSendsADirectActionFilter()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Filter(1, 1, 7, 55, "mock"), NetlinkKernelMock.Ack(1));
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.SchedCls, kernel.Syscalls);
        var filter = program.AttachTcClassifier(7, TcDirection.Ingress, new TcClassifierOptions { Handle = 1, Priority = 7 });
        // nlmsghdr: length 76, RTM_NEWTFILTER, REQUEST|ACK|ECHO|EXCL|CREATE; tcmsg: ifindex 7, handle 1, parent
        // ffff:fff2 (ingress), info prio 7 << 16 | htons(ETH_P_ALL); TCA_KIND "bpf"; TCA_OPTIONS (nested): TCA_BPF_FD 41,
        // TCA_BPF_NAME "mock", TCA_BPF_FLAGS ACT_DIRECT.
        Assert.That(kernel.Sent[0], Is.EqualTo(Hex(
            "4c000000 2c00 0d06 01000000 00000000"
            + "00000000 07000000 01000000 f2ffffff 00030700"
            + "0800 0100 62706600"
            + "2000 0280 0800 0600 29000000 0900 0700 6d6f636b00 000000 0800 0800 01000000")));
        Assert.That((filter.IfIndex, filter.Direction, filter.Handle, filter.Priority, filter.ProgramId), Is.EqualTo((7, TcDirection.Ingress, 1u, (ushort)7, 55u)));

        kernel.Answer(NetlinkKernelMock.Ack(1));
        filter.Dispose();
        // RTM_DELTFILTER, REQUEST|ACK; the same tcmsg; TCA_KIND "bpf".
        Assert.That(kernel.Sent[1], Is.EqualTo(Hex(
            "2c000000 2d00 0500 01000000 00000000"
            + "00000000 07000000 01000000 f2ffffff 00030700"
            + "0800 0100 62706600")));
    }

    [Test]
    public void AttachTcClassifierReadsTheHandleAndPriorityTheKernelChose()
    {
        var kernel = new NetlinkKernelMock()
            .Answer(NetlinkKernelMock.Filter(1, 0x800, 49152, 56, "mock", parent: TcRequests.EgressParent))
            .Answer(NetlinkKernelMock.Ack(1));
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.SchedCls, kernel.Syscalls);
        var filter = program.AttachTcClassifier(7, TcDirection.Egress);
        Assert.That(kernel.Sent[0][24..36], Is.EqualTo(Hex("00000000 f3ffffff 00030000")), "handle 0, egress, priority 0");
        Assert.That((filter.Handle, filter.Priority, filter.ProgramId), Is.EqualTo((0x800u, (ushort)49152, 56u)));
        filter.LeaveAttached();
        filter.Dispose();
        Assert.That(kernel.Sent, Has.Count.EqualTo(1), "left attached");
    }

    [Test]
    public void ReplaceAndUpdateSendReplaceInsteadOfExclusive()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Ack(1)).Answer(NetlinkKernelMock.Ack(1));
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.SchedCls, kernel.Syscalls);
        var filter = program.AttachTcClassifier(7, TcDirection.Ingress, new TcClassifierOptions { Handle = 3, Priority = 2, Replace = true, Name = "mine" });
        Assert.That(MemoryMarshal.Read<ushort>(kernel.Sent[0].AsSpan(6)), Is.EqualTo(0x50d), "REQUEST|ACK|ECHO|REPLACE|CREATE");
        Assert.That((filter.Handle, filter.Priority, filter.ProgramId), Is.EqualTo((3u, (ushort)2, 0u)), "without an echo, the values asked for");

        filter.Update(OtherFd);
        Assert.That(MemoryMarshal.Read<ushort>(kernel.Sent[1].AsSpan(6)), Is.EqualTo(0x50d));
        Assert.That(kernel.Sent[1].AsSpan(52, 4).ToArray(), Is.EqualTo(Hex("2a000000")), "TCA_BPF_FD of the new program");
        Assert.That(kernel.Sent[1].AsSpan(60, 5).ToArray(), Is.EqualTo("mine\0"u8.ToArray()), "the name given");
        Assert.Throws<ArgumentException>(() => program.AttachTcClassifier(7, TcDirection.Ingress, new TcClassifierOptions { Replace = true }));
        filter.LeaveAttached();
        filter.Dispose();
    }

    [Test]
    public void RefusalCarriesTheExtendedAcknowledgement()
    {
        var kernel = new NetlinkKernelMock();
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.SchedCls, kernel.Syscalls);
        var echoed = new byte[76];
        MemoryMarshal.Write(echoed, 76u);
        kernel.Answer(NetlinkKernelMock.Ack(1, 22, "Parent Qdisc doesn't exists", 44, echoed));
        var missing = Assert.Throws<EbpfException>(() => program.AttachTcClassifier(7, TcDirection.Ingress))!;
        Assert.That(missing.Message, Is.EqualTo(
            "RTM_NEWTFILTER failed: Invalid argument (EINVAL): Parent Qdisc doesn't exists: device 7 needs a clsact qdisc first (ClsactQdisc.Create)"));
        Assert.That((missing.Errno, missing.Operation), Is.EqualTo((Errno.EINVAL, "RTM_NEWTFILTER")));

        kernel.Answer(NetlinkKernelMock.Ack(1, 17, "Filter already exists"));
        Assert.That(Assert.Throws<EbpfException>(() => program.AttachTcClassifier(7, TcDirection.Ingress))!.Message,
            Is.EqualTo("RTM_NEWTFILTER failed: File exists (EEXIST): Filter already exists"));

        kernel.Answer(NetlinkKernelMock.Ack(1, 2, "TC classifier not found"));
        var absent = Assert.Throws<EbpfNotSupportedException>(() => program.AttachTcClassifier(7, TcDirection.Ingress))!;
        Assert.That(absent.Feature, Does.Contain("cls_bpf"));

        kernel.Answer(NetlinkKernelMock.Ack(1, 1));
        var refused = Assert.Throws<EbpfPermissionException>(() => program.AttachTcClassifier(7, TcDirection.Ingress))!;
        Assert.That(refused.Message, Does.StartWith("RTM_NEWTFILTER failed: Operation not permitted (EPERM)"));
        Assert.That(refused.Message, Does.Contain("CAP_NET_ADMIN"));
    }

    [Test]
    public void AckParsingFindsMessageAndOffsetAfterTheEchoedRequest()
    {
        var request = new byte[40];
        MemoryMarshal.Write(request, 40u);
        var full = NetlinkKernelMock.Ack(1, 22, "bad attribute", 36, request);
        var capped = NetlinkKernelMock.Ack(1, 22, "bad attribute", 36);
        foreach (var answer in new[] { full, capped })
        {
            ReadOnlySpan<byte> datagram = answer;
            Assert.That(NetlinkMessage.TryRead(ref datagram, out var message), Is.True);
            Assert.That(NetlinkAck.Read(message.Payload, message.Flags), Is.EqualTo(new NetlinkAck(22, "bad attribute", 36)));
        }

        ReadOnlySpan<byte> plain = NetlinkKernelMock.Ack(1, 95);
        NetlinkMessage.TryRead(ref plain, out var old);
        Assert.That(NetlinkAck.Read(old.Payload, old.Flags), Is.EqualTo(new NetlinkAck(95, null, null)));
    }

    [Test]
    public void FiltersDumpsOneSideAndKeepsBpfFiltersOnly()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Ack(1));
        using var qdisc = ClsactQdisc.Create(7, kernel.Syscalls.Object);
        kernel.Answer(
            NetlinkKernelMock.Filter(7, 9, 1, 1, "stale"), // another request's answer
            NetlinkKernelMock.Filter(1, 0, 2, 0, "ignored"), // the priority's own entry
            NetlinkKernelMock.Filter(1, 2, 2, 12, "b"),
            NetlinkKernelMock.Filter(1, 1, 9, 0, "u", kind: "u32"));
        kernel.Answer(NetlinkKernelMock.Filter(1, 1, 1, 11, "a"), NetlinkKernelMock.Done(1));
        var filters = qdisc.Filters(TcDirection.Ingress);
        // RTM_GETTFILTER, REQUEST|DUMP; tcmsg: ifindex 7, handle 0, parent ingress, info 0.
        Assert.That(kernel.Sent[1], Is.EqualTo(Hex("24000000 2e00 0103 01000000 00000000 00000000 07000000 00000000 f2ffffff 00000000")));
        Assert.That(filters.Select(f => (f.Handle, f.Priority, f.ProgramId, f.Name, f.DirectAction)),
            Is.EqualTo(new[] { (1u, (ushort)1, 11u, "a", true), (2u, (ushort)2, 12u, "b", true) }));
        Assert.That(kernel.Opened, Is.EqualTo(2));
        kernel.Answer(NetlinkKernelMock.Ack(1));
    }

    [Test]
    public void AttachXdpNetlinkSendsIflaXdpAndDetachExpectsTheProgram()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Ack(1)).Answer(NetlinkKernelMock.Ack(1));
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.Xdp, kernel.Syscalls);
        var attachment = program.AttachXdpNetlink(7, XdpAttachFlags.Generic);
        // nlmsghdr: length 52, RTM_SETLINK, REQUEST|ACK; ifinfomsg: ifindex 7; IFLA_XDP (nested): IFLA_XDP_FD 41,
        // IFLA_XDP_FLAGS SKB_MODE|UPDATE_IF_NOEXIST.
        Assert.That(kernel.Sent[0], Is.EqualTo(Hex(
            "34000000 1300 0500 01000000 00000000"
            + "00000000 07000000 00000000 00000000"
            + "1400 2b80 0800 0100 29000000 0800 0300 03000000")));
        Assert.That((attachment.IfIndex, attachment.Mode), Is.EqualTo((7, XdpAttachFlags.Generic)));

        attachment.Dispose();
        // IFLA_XDP_FD -1, IFLA_XDP_FLAGS SKB_MODE|REPLACE, IFLA_XDP_EXPECTED_FD: the attachment's own copy of the program's descriptor.
        Assert.That(kernel.Sent[1][32..56], Is.EqualTo(Hex("1c00 2b80 0800 0100 ffffffff 0800 0300 12000000 0800 0800")));
        Assert.That(MemoryMarshal.Read<int>(kernel.Sent[1].AsSpan(56)), Is.GreaterThan(2));
    }

    [Test]
    public void AttachXdpNetlinkReplacingAndUpdateNameTheExpectedProgram()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Ack(1)).Answer(NetlinkKernelMock.Ack(1));
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.Xdp, kernel.Syscalls);
        var old = MockPrograms.Of(OtherFd, BpfProgramType.Xdp, kernel.Syscalls);
        var attachment = program.AttachXdpNetlink(7, XdpAttachFlags.Driver, replacing: old);
        Assert.That(kernel.Sent[0][32..], Is.EqualTo(Hex("1c00 2b80 0800 0100 29000000 0800 0300 14000000 0800 0800 2a000000")));

        attachment.Update(OtherFd);
        Assert.That(kernel.Sent[1][32..56], Is.EqualTo(Hex("1c00 2b80 0800 0100 2a000000 0800 0300 14000000 0800 0800")), "the new program, DRV_MODE|REPLACE");
        Assert.That(MemoryMarshal.Read<int>(kernel.Sent[1].AsSpan(56)), Is.GreaterThan(2), "the attachment's copy of the old program's descriptor");
        attachment.LeaveAttached();
        attachment.Dispose();
        Assert.That(kernel.Sent, Has.Count.EqualTo(2));
    }

    [Test]
    public void XdpBusyWithoutMessageSaysWhy()
    {
        var kernel = new NetlinkKernelMock().Answer(NetlinkKernelMock.Ack(1, 16));
        var program = MockPrograms.Of(ProgramFd, BpfProgramType.Xdp, kernel.Syscalls);
        var busy = Assert.Throws<EbpfException>(() => program.AttachXdpNetlink(7))!;
        Assert.That(busy.Message, Does.StartWith("RTM_SETLINK failed: Device or resource busy (EBUSY): another XDP program is attached"));
    }

    [Test]
    public void XdpQueryReadsTheIflaXdpNest()
    {
        var link = NetlinkKernelMock.Message(RouteMessageNames.NewLink, 1, w =>
        {
            MemoryMarshal.Write(w.AppendFixed(XdpRequests.IfinfomsgSize)[4..], 7);
            w.AddString(3, "veth0"); // IFLA_IFNAME
            int xdp = w.BeginNest(XdpRequests.Xdp);
            w.AddUInt32(XdpRequests.XdpGenericProgramId, 9);
            w.AddUInt32(XdpRequests.XdpDriverProgramId, 10);
            w.EndNest(xdp);
        });
        var kernel = new NetlinkKernelMock().Answer(link).Answer(NetlinkKernelMock.Ack(1));
        var info = XdpAttachment.Query(7, kernel.Syscalls.Object);
        Assert.That(kernel.Sent[0], Is.EqualTo(Hex("20000000 1200 0500 01000000 00000000 00000000 07000000 00000000 00000000")));
        Assert.That(info, Is.EqualTo(new XdpDeviceInfo { IfIndex = 7, GenericProgramId = 9, DriverProgramId = 10 }));
        Assert.That((info.ProgramIdOf(XdpAttachFlags.Generic), info.ProgramIdOf(XdpAttachFlags.None)), Is.EqualTo((9u, 0u)));
    }

    [Test]
    public void WriterNestsAndAlignsAttributes()
    {
        var writer = new NetlinkMessageWriter(RouteMessageNames.SetLink, NetlinkMessage.FlagRequest);
        writer.AppendFixed(3);
        int outer = writer.BeginNest(1);
        int inner = writer.BeginNest(2);
        writer.AddString(3, "ab");
        writer.EndNest(inner);
        writer.AddInt32(4, -2);
        writer.EndNest(outer);
        Assert.That(writer.ToArray(5), Is.EqualTo(Hex(
            "2c000000 1300 0100 05000000 00000000 000000 00"
            + "1800 0180 0c00 0280 0700 0300 616200 00 0800 0400 feffffff")));
    }
}
