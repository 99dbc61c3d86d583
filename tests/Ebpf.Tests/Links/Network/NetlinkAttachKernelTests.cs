using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>
/// TC classifiers (clsact + direct-action cls_bpf) and XDP attached through rtnetlink, over a veth pair into a private
/// network namespace: packets sent across it run the programs (counted in a map), and detaching stops them.
/// </summary>
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public sealed class NetlinkAttachKernelTests : CountingProgramFixture
{
    private const int TcActOk = 0;
    private const int TcActShot = 2;
    private const int TcActUnspec = -1; // on to the next filter
    private const int XdpPass = 2;

    [Test]
    public void TcClassifierCountsIngressAndStopsAfterDispose()
    {
        using var veth = VethNamespace.Create();
        using var qdisc = KernelRefusal.Run("clsact qdisc", () => ClsactQdisc.Create(veth.HostInterface));
        Assert.That(qdisc.Created, Is.True);
        using var program = Loader.Load(BpfProgramType.SchedCls, result: TcActOk, name: "tc_count");
        var filter = KernelRefusal.Run("cls_bpf", () => program.AttachTcClassifier(veth.HostIfIndex, TcDirection.Ingress, new TcClassifierOptions { Handle = 1, Priority = 7 }));
        Assert.That((filter.IfIndex, filter.Direction, filter.Handle, filter.Priority), Is.EqualTo((veth.HostIfIndex, TcDirection.Ingress, 1u, (ushort)7)));
        Assert.That(filter.ProgramId, Is.EqualTo(TestProgramLoader.ProgramId(program)));

        Assert.That(Loader.WaitAbove(0, veth.SendFromNamespace), Is.GreaterThan(0UL));
        var info = filter.Query();
        Assert.That(info, Is.EqualTo(new TcFilterInfo
        {
            IfIndex = veth.HostIfIndex, Direction = TcDirection.Ingress, Handle = 1, Priority = 7,
            ProgramId = filter.ProgramId, Name = "tc_count", DirectAction = true,
        }));
        Assert.That(qdisc.Filters(TcDirection.Ingress), Is.EqualTo(new[] { info }));
        Assert.That(qdisc.Filters(TcDirection.Egress), Is.Empty);

        veth.AssertNotCountedAfter(filter.Dispose, Loader);
        Assert.That(qdisc.Filters(TcDirection.Ingress), Is.Empty);
    }

    [Test]
    public void TcClassifierDropsUntilUpdatedAndKernelChoosesHandleAndPriority()
    {
        using var veth = VethNamespace.Create();
        using var qdisc = KernelRefusal.Run("clsact qdisc", () => ClsactQdisc.Create(veth.HostIfIndex));
        using var counting = new TestProgramLoader();
        using var drop = Loader.Load(BpfProgramType.SchedCls, result: TcActShot, name: "tc_drop");
        using var pass = Loader.Load(BpfProgramType.SchedCls, result: TcActUnspec, name: "tc_next");
        using var count = counting.Load(BpfProgramType.SchedCls, result: TcActOk, name: "tc_count");
        using var first = drop.AttachTcClassifier(veth.HostIfIndex, TcDirection.Egress, new TcClassifierOptions { Handle = 1, Priority = 1 });
        using var second = count.AttachTcClassifier(veth.HostIfIndex, TcDirection.Egress);
        Assert.That(second.Handle, Is.Not.Zero, "the kernel chose a handle");
        Assert.That(second.Priority, Is.GreaterThan((ushort)1), "the kernel chose a priority after the lowest in use");

        Assert.That(Loader.WaitAbove(0, veth.SendIntoNamespace), Is.GreaterThan(0UL));
        Assert.That(counting.Count, Is.Zero, "the first filter dropped every packet");

        var taken = Assert.Throws<EbpfException>(() => pass.AttachTcClassifier(veth.HostIfIndex, TcDirection.Egress, new TcClassifierOptions { Handle = 1, Priority = 1 }))!;
        Assert.That(taken.Errno, Is.EqualTo(Errno.EEXIST));

        first.Update(pass);
        Assert.That(first.ProgramId, Is.EqualTo(TestProgramLoader.ProgramId(pass)));
        Assert.That(first.Query().ProgramId, Is.EqualTo(TestProgramLoader.ProgramId(pass)));
        Assert.That(counting.WaitAbove(0, veth.SendIntoNamespace), Is.GreaterThan(0UL));
        Assert.That(qdisc.Filters(TcDirection.Egress).Select(f => f.Name), Is.EqualTo(new[] { "tc_next", "tc_count" }));
    }

    [Test]
    public void TcClassifierReplaceOptionAndLeftAttachedFilter()
    {
        using var veth = VethNamespace.Create();
        using var qdisc = KernelRefusal.Run("clsact qdisc", () => ClsactQdisc.Create(veth.HostIfIndex));
        using var program = Loader.Load(BpfProgramType.SchedCls, result: TcActOk, name: "tc_a");
        using var replacement = Loader.Load(BpfProgramType.SchedCls, result: TcActOk, name: "tc_b");
        var options = new TcClassifierOptions { Handle = 5, Priority = 3 };
        var filter = program.AttachTcClassifier(veth.HostIfIndex, TcDirection.Ingress, options);
        filter.LeaveAttached();
        filter.Dispose();
        Assert.That(TcClassifier.List(veth.HostIfIndex, TcDirection.Ingress).Single().ProgramId, Is.EqualTo(TestProgramLoader.ProgramId(program)));

        using var replaced = replacement.AttachTcClassifier(veth.HostIfIndex, TcDirection.Ingress, options with { Replace = true, Name = "replaced" });
        var listed = qdisc.Filters(TcDirection.Ingress).Single();
        Assert.That((listed.ProgramId, listed.Name), Is.EqualTo((TestProgramLoader.ProgramId(replacement), "replaced")));

        qdisc.DetachFilter(TcDirection.Ingress, 5, 3);
        Assert.That(qdisc.Filters(TcDirection.Ingress), Is.Empty);
        var gone = Assert.Throws<EbpfException>(() => replaced.Query())!;
        Assert.That(gone.Errno, Is.AnyOf(Errno.ENOENT, Errno.EINVAL), gone.Message);
        Assert.That(gone.Message, Does.StartWith("RTM_GETTFILTER failed"));
    }

    [Test]
    public void ClsactQdiscKeepsOneThatExistsAndRemovesOnlyItsOwn()
    {
        using var veth = VethNamespace.Create();
        using var program = Loader.Load(BpfProgramType.SchedCls, result: TcActOk);
        Assert.That(TcClassifier.List(veth.HostIfIndex, TcDirection.Ingress), Is.Empty, "no clsact qdisc, no filters");
        var missing = Assert.Throws<EbpfException>(() => program.AttachTcClassifier(veth.HostIfIndex, TcDirection.Ingress))!;
        Assert.That(missing.Errno, Is.EqualTo(Errno.EINVAL));
        Assert.That(missing.Message, Does.Contain("ClsactQdisc.Create"));

        var owner = KernelRefusal.Run("clsact qdisc", () => ClsactQdisc.Create(veth.HostIfIndex));
        using (var second = ClsactQdisc.Create(veth.HostIfIndex))
        {
            Assert.That((owner.Created, second.Created), Is.EqualTo((true, false)));
        }

        using var filter = program.AttachTcClassifier(veth.HostIfIndex, TcDirection.Ingress);
        Assert.That(owner.Filters(TcDirection.Ingress), Has.Count.EqualTo(1), "the second handle left the qdisc");
        owner.Dispose();
        Assert.DoesNotThrow(filter.Dispose, "the filter went with the qdisc");
        using var again = ClsactQdisc.Create(veth.HostIfIndex);
        Assert.That(again.Created, Is.True, "the owner removed its qdisc");
        Assert.That(again.Filters(TcDirection.Ingress), Is.Empty);
    }

    [Test]
    public void XdpNetlinkCountsUpdatesAndStopsAfterDispose()
    {
        using var veth = VethNamespace.Create();
        using var other = new TestProgramLoader();
        using var program = Loader.Load(BpfProgramType.Xdp, result: XdpPass);
        using var replacement = other.Load(BpfProgramType.Xdp, result: XdpPass);
        var attachment = program.AttachXdpNetlink(veth.HostIfIndex, XdpAttachFlags.Generic);
        uint id = TestProgramLoader.ProgramId(program);
        Assert.That(XdpAttachment.Query(veth.HostIfIndex), Is.EqualTo(new XdpDeviceInfo { IfIndex = veth.HostIfIndex, ProgramId = id, GenericProgramId = id }));
        Assert.That(Loader.WaitAbove(0, veth.SendFromNamespace), Is.GreaterThan(0UL));

        var busy = Assert.Throws<EbpfException>(() => replacement.AttachXdpNetlink(veth.HostIfIndex, XdpAttachFlags.Generic))!;
        Assert.That(busy.Errno, Is.EqualTo(Errno.EBUSY));
        Assert.That(busy.Message, Does.Contain("RTM_SETLINK"));

        attachment.Update(replacement);
        Assert.That(XdpAttachment.Query(veth.HostIfIndex).GenericProgramId, Is.EqualTo(TestProgramLoader.ProgramId(replacement)));
        ulong before = Loader.Count;
        Assert.That(other.WaitAbove(0, veth.SendFromNamespace), Is.GreaterThan(0UL));
        Assert.That(Loader.Count, Is.EqualTo(before));

        veth.AssertNotCountedAfter(attachment.Dispose, other);
        Assert.That(XdpAttachment.Query(veth.HostIfIndex), Is.EqualTo(new XdpDeviceInfo { IfIndex = veth.HostIfIndex }));
    }

    [Test]
    public void XdpNetlinkReplacesTheExpectedProgramOnlyAndCanBeLeftAttached()
    {
        using var veth = VethNamespace.Create();
        using var program = Loader.Load(BpfProgramType.Xdp, result: XdpPass);
        using var second = Loader.Load(BpfProgramType.Xdp, result: XdpPass);
        using var third = Loader.Load(BpfProgramType.Xdp, result: XdpPass);
        var first = program.AttachXdpNetlink(veth.HostInterface, XdpAttachFlags.Generic);
        first.LeaveAttached();
        first.Dispose();
        Assert.That(XdpAttachment.Query(veth.HostIfIndex).GenericProgramId, Is.EqualTo(TestProgramLoader.ProgramId(program)));

        var notExpected = Assert.Throws<EbpfException>(() => third.AttachXdpNetlink(veth.HostIfIndex, XdpAttachFlags.Generic, replacing: second))!;
        Assert.That(notExpected.Errno, Is.EqualTo(Errno.EEXIST));
        using var replaced = second.AttachXdpNetlink(veth.HostIfIndex, XdpAttachFlags.Generic, replacing: program);
        Assert.That(XdpAttachment.Query(veth.HostIfIndex).GenericProgramId, Is.EqualTo(TestProgramLoader.ProgramId(second)));
        Assert.That(Loader.WaitAbove(0, veth.SendFromNamespace), Is.GreaterThan(0UL));

        XdpAttachment.DetachFromDevice(veth.HostIfIndex, XdpAttachFlags.Generic);
        Assert.That(XdpAttachment.Query(veth.HostIfIndex).GenericProgramId, Is.Zero);
    }
}
