using Ebpf.Reliability;

namespace Ebpf.Tests.Reliability;

/// <summary>Shorter runs of the ebpf-reliability commands: nothing may grow or stay behind.</summary>
[Category("Kernel")]
[Category("Link")]
public class ReliabilityRunTests
{
    [Test]
    public void LoadAttachDisposeCyclesKeepDescriptorsAndKernelObjectsFlat()
    {
        var result = CycleRun.Run(300);
        TestContext.Out.WriteLine(result);
        Assert.That(result.After.BpfFds, Is.LessThanOrEqualTo(result.Before.BpfFds), "BPF descriptors");
        Assert.That(result.After.Fds, Is.LessThanOrEqualTo(result.Before.Fds + CycleResult.RuntimeFdSlack), "descriptors");
        Assert.That(result.After.Programs, Is.LessThanOrEqualTo(result.Before.Programs), "programs");
        Assert.That(result.After.Maps, Is.LessThanOrEqualTo(result.Before.Maps), "maps");
        Assert.That(result.After.Links, Is.LessThanOrEqualTo(result.Before.Links), "links");
        Assert.That(result.After.Programs + result.After.Maps + result.After.Links, Is.Zero, "no rel_* object is left in the kernel");
    }

    [Test]
    public void FailedCollectionLoadsLeaveNoDescriptorObjectOrPin()
    {
        var result = FailedLoadRun.Run(50);
        TestContext.Out.WriteLine(result);
        Assert.That(result.FirstError, Does.Contain("out_of_bounds"));
        Assert.That(result.PinsLeft, Is.Empty, "pins");
        Assert.That(result.After.BpfFds, Is.LessThanOrEqualTo(result.Before.BpfFds), "BPF descriptors");
        Assert.That(result.After.Fds, Is.LessThanOrEqualTo(result.Before.Fds + FailedLoadResult.RuntimeFdSlack), "descriptors");
        Assert.That((result.After.Programs, result.After.Maps, result.After.Links), Is.EqualTo((0, 0, 0)), "rel_* programs, maps, links");
    }

    [Test]
    public void WithoutCapabilitiesEveryLoadRaisesPermissionErrorsWithTheHint()
    {
        if (PrivilegeRun.FindTool() is null)
        {
            Assert.Ignore("privilege: neither setpriv nor capsh is installed");
        }

        var result = PrivilegeRun.Run();
        TestContext.Out.WriteLine(result.Command);
        TestContext.Out.WriteLine(result.Output);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("map create: EbpfPermissionException").And.Contain("program load: EbpfPermissionException").And.Contain("collection load: EbpfPermissionException"));
        Assert.That(result.Output, Does.Contain(Ebpf.Kernel.EbpfPermissionException.Hint));
        Assert.That(result.Passed, Is.True, result.ToString());
    }
}
