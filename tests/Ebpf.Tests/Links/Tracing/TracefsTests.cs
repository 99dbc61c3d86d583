using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>Finding and mounting the tracefs.</summary>
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public sealed class TracefsTests
{
    [Test]
    public void MountsTracefsWhenMissing()
    {
        // Unmount it if nothing holds it open (EBUSY otherwise): GetPath must mount it again.
        ExternalTool.Execute("umount", Tracefs.DefaultPath);
        string path = Tracefs.GetPath();
        Assert.That(Directory.Exists(Path.Combine(path, "events")), Is.True);
        Assert.That(Tracefs.EventId("syscalls", "sys_enter_getpid"), Is.GreaterThan(0u));
    }

    [Test]
    public void RejectsPathsInNames()
    {
        Assert.That(() => Tracefs.EventId("..", "x"), Throws.ArgumentException);
        Assert.That(() => Tracefs.EventId("syscalls", "a/b"), Throws.ArgumentException);
    }
}
