using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Moq;

namespace Ebpf.Tests.Links;

/// <summary>Kprobe attach sequences over a mocked kernel, and the unsupported path on this kernel (no CONFIG_KPROBES).</summary>
public sealed class KprobeLinkTests
{
    private static readonly BpfFileDescriptor ProgramFd = new(41, ownsHandle: false);

    [Test]
    public unsafe void PmuKprobeOpensPerfEventAndCreatesLink()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        PerfEventAttr seen = default;
        string? function = null;
        int seenPid = 0, seenCpu = 0;
        sys.As<ISystemCalls>().Setup(s => s.PerfEventOpen(in It.Ref<PerfEventAttr>.IsAny, It.IsAny<int>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<ulong>()))
            .Returns(new PerfEventOpenReturn((in PerfEventAttr a, int pid, int cpu, int group, ulong flags) =>
            {
                seen = a;
                function = Marshal.PtrToStringUTF8((nint)a.Config1);
                (seenPid, seenCpu) = (pid, cpu);
                return new BpfFileDescriptor(50, ownsHandle: false);
            }));
        LinkCreateAttr link = default;
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                link = a;
                return new BpfFileDescriptor(51, ownsHandle: false);
            }));
        sys.As<ISystemCalls>().Setup(s => s.Ioctl(It.IsAny<BpfFileDescriptor>(), 0x2400, 0)).Returns(0);

        using var result = Kprobe.Attach(ProgramFd, "do_unlinkat", new KprobeOptions { ReturnProbe = true, Cookie = 5 }, sys.Object, new ProbePmu("kprobe", 6, 0));

        using var scope = Assert.EnterMultipleScope();
        Assert.That(seen.Type, Is.EqualTo(6u));
        Assert.That(seen.Config, Is.EqualTo(1UL), "retprobe bit");
        Assert.That(function, Is.EqualTo("do_unlinkat"));
        Assert.That((seenPid, seenCpu), Is.EqualTo((-1, 0)));
        Assert.That(link.AttachType, Is.EqualTo(BpfAttachType.PerfEvent));
        Assert.That(link.TargetFd, Is.EqualTo(50u));
        Assert.That(link.ProgFd, Is.EqualTo(41u));
        Assert.That(link.PerfEventBpfCookie, Is.EqualTo(5UL));
        Assert.That(result.Fd!.DangerousGetFd(), Is.EqualTo(51));
        sys.As<ISystemCalls>().Verify(s => s.Ioctl(It.IsAny<BpfFileDescriptor>(), 0x2400, 0), Times.Once);
    }

    [Test]
    public void OldKernelFallsBackToSetBpfIoctl()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.As<ISystemCalls>().Setup(s => s.PerfEventOpen(in It.Ref<PerfEventAttr>.IsAny, It.IsAny<int>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<ulong>()))
            .Returns(() => new BpfFileDescriptor(50, ownsHandle: false));
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, Errno.EINVAL));
        var sequence = new List<ulong>();
        sys.As<ISystemCalls>().Setup(s => s.Ioctl(It.IsAny<BpfFileDescriptor>(), It.IsAny<ulong>(), It.IsAny<nint>()))
            .Callback((BpfFileDescriptor _, ulong request, nint arg) => sequence.Add(request))
            .Returns(0);

        using var result = Kprobe.Attach(ProgramFd, "do_unlinkat", new KprobeOptions { Offset = 8 }, sys.Object, new ProbePmu("kprobe", 6, 0));

        Assert.That(sequence, Is.EqualTo(new ulong[] { 0x40042408, 0x2400 }));
        Assert.That(result.Fd, Is.Null);
        Assert.That(() => result.Pin("/sys/fs/bpf/x"), Throws.InstanceOf<EbpfNotSupportedException>());
    }

    [Test]
    public void CookieOnOldKernelIsNotSupported()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.As<ISystemCalls>().Setup(s => s.PerfEventOpen(in It.Ref<PerfEventAttr>.IsAny, It.IsAny<int>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<ulong>()))
            .Returns(() => new BpfFileDescriptor(-1));
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.LinkCreate, Errno.EINVAL));
        var e = Assert.Throws<EbpfNotSupportedException>(() =>
            Kprobe.Attach(ProgramFd, "do_unlinkat", new KprobeOptions { Cookie = 1 }, sys.Object, new ProbePmu("kprobe", 6, 0)))!;
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("5.15"));
    }

    [Test]
    [Category("Kernel")]
    [Category("Link")]
    public void KernelWithoutKprobesSaysSo()
    {
        if (File.Exists("/sys/bus/event_source/devices/kprobe/type"))
        {
            Assert.Ignore("kprobe: this kernel has kprobes; the unsupported path cannot be shown");
        }

        using var loader = new TestProgramLoader();
        using var program = loader.Load(BpfProgramType.Kprobe);
        var e = Assert.Throws<EbpfNotSupportedException>(() => program.AttachKprobe("do_unlinkat"))!;
        Assert.That(e.Feature, Does.Contain("kprobe"));
    }
}
