using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

[Category("Kernel")]
public sealed class EpollSyscallTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    [Test]
    public void EventFdWakesEpollWithItsData()
    {
        using var epoll = Sys.System().EpollCreate();
        using var eventFd = Sys.System().EventFdCreate();
        Sys.System().EpollCtl(epoll, EpollOperation.Add, eventFd, EpollEvents.In, 0x1234_5678_9abc_def0);
        var events = new EpollEvent[4];
        Assert.That(Sys.System().EpollWait(epoll, events, 0), Is.Zero);
        Assert.That(Sys.System().EventFdRead(eventFd), Is.Zero);

        Sys.System().EventFdWrite(eventFd, 2);
        Sys.System().EventFdWrite(eventFd, 3);
        Assert.That(Sys.System().EpollWait(epoll, events, 1000), Is.EqualTo(1));
        Assert.That(events[0], Is.EqualTo(new EpollEvent(EpollEvents.In, 0x1234_5678_9abc_def0)));
        Assert.That(Sys.System().EventFdRead(eventFd), Is.EqualTo(5UL));
        Assert.That(Sys.System().EpollWait(epoll, events, 0), Is.Zero);

        Sys.System().EpollCtl(epoll, EpollOperation.Modify, eventFd, EpollEvents.Out, 7);
        Assert.That(Sys.System().EpollWait(epoll, events, 0), Is.EqualTo(1));
        Assert.That(events[0], Is.EqualTo(new EpollEvent(EpollEvents.Out, 7)));
        Sys.System().EpollCtl(epoll, EpollOperation.Delete, eventFd, EpollEvents.None, 0);
        Assert.That(Sys.System().EpollWait(epoll, events, 0), Is.Zero);
    }

    [Test]
    public void EpollCtlFailuresAreReported()
    {
        using var epoll = Sys.System().EpollCreate();
        using var eventFd = Sys.System().EventFdCreate();
        var e = Assert.Throws<EbpfException>(() => Sys.System().EpollCtl(epoll, EpollOperation.Delete, eventFd, EpollEvents.None, 0))!;
        Assert.That(e.Errno, Is.EqualTo(Errno.ENOENT));
        Assert.Throws<ArgumentException>(() => Sys.System().EpollWait(epoll, Span<EpollEvent>.Empty, 0));
    }
}
