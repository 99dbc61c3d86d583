using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>FdUseList: references held on several descriptors for one kernel call.</summary>
public sealed class FdUseListTests
{
    [Test]
    public void HeldDescriptorsStayOpenThroughDisposeUntilReleased()
    {
        var a = new BpfFileDescriptor(41, ownsHandle: false);
        var b = new BpfFileDescriptor(42, ownsHandle: false);
        var uses = new FdUseList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(uses.Add(a), Is.EqualTo(41u));
            Assert.That(uses.Add(b), Is.EqualTo(42u));
            Assert.That(uses.Add(a), Is.EqualTo(41u), "added twice, held once");
        }

        a.Dispose();
        b.Dispose();
        Assert.That(a.IsClosed || b.IsClosed, Is.False, "still referenced");
        uses.Dispose();
        Assert.That(a.IsClosed && b.IsClosed, Is.True);
    }

    [Test]
    public void DescriptorBeingDisposedCannotBeAdded()
    {
        var a = new BpfFileDescriptor(41, ownsHandle: false);
        using var holder = new FdUseList();
        holder.Add(a);
        a.Dispose(); // requested, still open through the holder
        using var late = new FdUseList();
        Assert.Throws<ObjectDisposedException>(() => late.Add(a));
    }
}
