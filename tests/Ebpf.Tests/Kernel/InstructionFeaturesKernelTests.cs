using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel;

/// <summary>The instruction set and verifier probes (<see cref="Features.HaveLargeInstructions"/> and friends).</summary>
public sealed class InstructionFeaturesKernelTests
{
    private delegate BpfFileDescriptor ProgLoadReturn(ref ProgLoadAttr attr);

    [Test]
    [Category("Kernel")]
    public void ThisKernelHasEveryInstructionFeature()
    {
        // Linux 6.18: large programs (5.2), bounded loops (5.3), ISA v2 (4.14), v3 (5.1) and v4 (6.6).
        var features = new Features(LinuxBpfSyscalls.Instance);
        Assert.DoesNotThrow(features.HaveLargeInstructions);
        Assert.DoesNotThrow(features.HaveBoundedLoops);
        Assert.DoesNotThrow(features.HaveV2Isa);
        Assert.DoesNotThrow(features.HaveV3Isa);
        Assert.DoesNotThrow(features.HaveV4Isa);
    }

    [Test]
    public void AnOldVerifiersRefusalMeansNotSupportedWithTheMinimumKernel()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Returns(new ProgLoadReturn((ref ProgLoadAttr a) => throw new EbpfException(BpfCommand.ProgLoad, a.InsnCnt > 4096 ? Errno.E2BIG : Errno.EINVAL)));
        var features = new Features(sys.Object);
        var large = Assert.Throws<EbpfNotSupportedException>(features.HaveLargeInstructions);
        Assert.That((large!.MinimumKernelVersion, large.Errno), Is.EqualTo(("5.2", Errno.E2BIG)));
        Assert.That(Assert.Throws<EbpfNotSupportedException>(features.HaveV4Isa)!.MinimumKernelVersion, Is.EqualTo("6.6"));
        Assert.That(Assert.Throws<EbpfNotSupportedException>(features.HaveBoundedLoops)!.Message, Does.Contain("bounded loops"));
    }

    [Test]
    public void AnOverflowingProbeLogStillMeansSupported()
    {
        // The 4097-instruction probe verifies, but its verifier log outgrows the probe's buffer: ENOSPC (Linux 6.4+).
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Returns(new ProgLoadReturn((ref ProgLoadAttr a) => throw new EbpfException(BpfCommand.ProgLoad, Errno.ENOSPC)));
        Assert.DoesNotThrow(new Features(sys.Object).HaveLargeInstructions);
    }

    [Test]
    public void OtherFailuresAreNotAnAnswer()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Returns(new ProgLoadReturn((ref ProgLoadAttr a) => throw new EbpfException(BpfCommand.ProgLoad, Errno.ENOMEM)));
        Assert.Throws<EbpfException>(new Features(sys.Object).HaveV2Isa);
    }
}
