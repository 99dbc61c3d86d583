using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>The kernel-BTF check that tells a missing link type from a bad argument.</summary>
[Category("Kernel")]
[Category("Link")]
public sealed class LinkTypeSupportTests
{
    [Test]
    public void KnowsTheLinkTypesOfThisKernel()
    {
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
        {
            Assert.Ignore("kernel BTF: /sys/kernel/btf/vmlinux is missing");
        }

        using var scope = Assert.EnterMultipleScope();
        // Link types of every kernel with BTF link types (5.9+); newer ones (tcx, 6.6) may be missing.
        Assert.That(LinkTypeSupport.IsKnownMissing(BpfLinkType.Xdp), Is.False);
        Assert.That(LinkTypeSupport.IsKnownMissing(BpfLinkType.Iter), Is.False);
        Assert.That(LinkTypeSupport.IsKnownMissing((BpfLinkType)250), Is.True);
    }
}
