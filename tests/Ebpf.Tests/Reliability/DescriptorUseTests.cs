using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Moq;

namespace Ebpf.Tests.Reliability;

/// <summary>
/// Program, link and object-info calls hold a reference on their descriptors for the length of the system call
/// (<see cref="FdUse"/>), as map element operations do: a Dispose during the call leaves the number open until the call
/// returns, and no new call starts on the disposed object.
/// </summary>
public class DescriptorUseTests
{
    /// <summary>A descriptor the test does not own: disposing it closes nothing, but marks it closed.</summary>
    private static BpfFileDescriptor FakeFd(int n) => new(n, ownsHandle: false);

    [Test]
    public void ProgramPinKeepsTheDescriptorOpenThroughADisposeAndRefusesNewCalls()
    {
        var sys = new Mock<IBpfSyscalls>();
        var fd = FakeFd(40);
        var program = new Program(fd, "p", BpfProgramType.SocketFilter, sys.Object);
        bool openDuringCall = false;
        Exception? second = null;
        uint pinnedFd = 0;
        sys.Setup(s => s.ObjPin(in It.Ref<ObjAttr>.IsAny)).Callback(new ObjPinCallback((in ObjAttr a) =>
        {
            pinnedFd = a.BpfFd;
            program.Dispose();
            openDuringCall = !fd.IsClosed;
            second = Catch(() => program.Info());
        }));

        program.Pin("/sys/fs/bpf/p");

        Assert.That(pinnedFd, Is.EqualTo(40u));
        Assert.That(openDuringCall, Is.True, "the descriptor stays open while the call runs");
        Assert.That(second, Is.InstanceOf<ObjectDisposedException>(), "no new call starts after Dispose");
        Assert.That(fd.IsClosed, Is.True, "closed once the call returned");
    }

    [Test]
    public void ProgramTestRunKeepsTheDescriptorOpenThroughADispose()
    {
        var sys = new Mock<IBpfSyscalls>();
        var fd = FakeFd(41);
        var program = new Program(fd, "p", BpfProgramType.SocketFilter, sys.Object);
        bool openDuringCall = false;
        Exception? second = null;
        sys.Setup(s => s.ProgTestRun(ref It.Ref<ProgTestRunAttr>.IsAny)).Callback(new ProgTestRunCallback((ref ProgTestRunAttr a) =>
        {
            program.Dispose();
            openDuringCall = !fd.IsClosed;
            second = Catch(() => program.Pin("/sys/fs/bpf/p"));
        }));

        program.TestRun(new byte[14]);

        Assert.That(openDuringCall, Is.True);
        Assert.That(second, Is.InstanceOf<ObjectDisposedException>());
        Assert.That(fd.IsClosed, Is.True);
    }

    [Test]
    public void ProgramInfoKeepsTheDescriptorOpenThroughADispose()
    {
        var sys = new Mock<IBpfSyscalls>();
        var fd = FakeFd(42);
        var program = new Program(fd, "p", BpfProgramType.SocketFilter, sys.Object);
        bool openDuringCall = false;
        sys.Setup(s => s.ObjGetInfoByFd(ref It.Ref<ObjGetInfoAttr>.IsAny)).Callback(new ObjGetInfoCallback((ref ObjGetInfoAttr a) =>
        {
            program.Dispose();
            openDuringCall = !fd.IsClosed;
        }));

        Catch(() => program.Info()); // the mock fills nothing; only the descriptor's life matters here

        Assert.That(openDuringCall, Is.True);
        Assert.That(fd.IsClosed, Is.True);
    }

    [Test]
    public void ObjectInfoOfAMapHoldsTheDescriptor()
    {
        var sys = new Mock<IBpfSyscalls>();
        var fd = FakeFd(43);
        bool openDuringCall = false;
        sys.Setup(s => s.ObjGetInfoByFd(ref It.Ref<ObjGetInfoAttr>.IsAny)).Callback(new ObjGetInfoCallback((ref ObjGetInfoAttr a) =>
        {
            fd.Dispose();
            openDuringCall = !fd.IsClosed;
        }));

        ObjectInfo.OfMap(sys.Object, fd);

        Assert.That(openDuringCall, Is.True);
        Assert.That(fd.IsClosed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => ObjectInfo.OfMap(sys.Object, fd));
    }

    [Test]
    public void LinkUpdateHoldsBothDescriptors()
    {
        var sys = new Mock<IBpfSyscalls>();
        var linkFd = FakeFd(44);
        var newProgram = FakeFd(45);
        var link = new Link(linkFd, sys.Object);
        bool openDuringCall = false;
        LinkUpdateAttr updated = default;
        sys.Setup(s => s.LinkUpdate(in It.Ref<LinkUpdateAttr>.IsAny)).Callback(new LinkUpdateCallback((in LinkUpdateAttr a) =>
        {
            updated = a;
            newProgram.Dispose();
            linkFd.Dispose();
            openDuringCall = !newProgram.IsClosed && !linkFd.IsClosed;
        }));

        link.Update(newProgram);

        Assert.That((updated.LinkFd, updated.NewProgFd), Is.EqualTo((44u, 45u)));
        Assert.That(openDuringCall, Is.True);
        Assert.That(newProgram.IsClosed && linkFd.IsClosed, Is.True);
    }

    [Test]
    public void LinkDetachAfterDisposeOfItsDescriptorIsRefusedWithoutASystemCall()
    {
        var sys = new Mock<IBpfSyscalls>();
        var linkFd = FakeFd(46);
        var link = new Link(linkFd, sys.Object);
        int detaches = 0;
        sys.Setup(s => s.LinkDetach(in It.Ref<LinkDetachAttr>.IsAny)).Callback(new LinkDetachCallback((in LinkDetachAttr a) => detaches++));
        linkFd.Dispose();

        Assert.That(() => link.Detach(), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(detaches, Is.Zero);
    }

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
