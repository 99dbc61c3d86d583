using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Tests.Asm;
using Moq;

namespace Ebpf.Tests.Kernel;

/// <summary>The instruction set and verifier probes (<see cref="Features.HaveLargeInstructions"/> and friends).</summary>
public sealed class InstructionFeaturesKernelTests
{
    private const uint SocketFilter = 1;

    [Test]
    [Category("Kernel")]
    public void ThisKernelHasTheInstructionFeaturesUpToIsaV3()
    {
        // Every kernel the SDK runs on: large programs (5.2), bounded loops (5.3), ISA v2 (4.14) and v3 (5.1).
        var features = new Features(LinuxBpfSyscalls.Instance);
        Assert.DoesNotThrow(features.HaveLargeInstructions);
        Assert.DoesNotThrow(features.HaveBoundedLoops);
        Assert.DoesNotThrow(features.HaveV2Isa);
        Assert.DoesNotThrow(features.HaveV3Isa);
    }

    [Test]
    [Category("Kernel")]
    public void TheV4ProbeAgreesWithTheVerifierOnEachKindOfV4Instruction()
    {
        // ISA v4 (6.6) on this kernel: every kind loads; before it at least one is refused (Debian's 6.1 took gotol alone).
        var refused = V4Instructions()
            .Select(kind => (kind.Name, Result: VerifierLog.Load([Insn.Mov.Imm(Register.R0, 0), .. kind.Program, Insn.Exit()], SocketFilter)))
            .Where(kind => kind.Result.Errno != 0)
            .ToList();
        TestContext.Out.WriteLine("v4 instructions refused: " + (refused.Count == 0 ? "none" : string.Join(", ", refused.Select(kind => $"{kind.Name} ({kind.Result.Log.Split('\n').LastOrDefault(l => l.Length > 0 && !l.StartsWith("processed ", StringComparison.Ordinal))})"))));
        var features = new Features(LinuxBpfSyscalls.Instance);
        if (refused.Count == 0)
        {
            Assert.DoesNotThrow(features.HaveV4Isa);
        }
        else
        {
            Assert.That(refused.Select(kind => kind.Result.Log), Has.All.Contain("uses reserved fields").Or.Contain("unknown opcode").Or.Contain("invalid BPF_"));
            Assert.That(Assert.Throws<EbpfNotSupportedException>(features.HaveV4Isa)!.MinimumKernelVersion, Is.EqualTo("6.6"));
        }
    }

    private static IEnumerable<(string Name, Instruction[] Program)> V4Instructions() =>
    [
        ("ldsx", [Insn.StoreMem(Register.R10, -8, Register.R0, AccessSize.DWord), Insn.LoadMemSX(Register.R0, Register.R10, -8, AccessSize.Byte)]),
        ("movsx", [Insn.MovSX(Register.R0, Register.R0, 16)]),
        ("sdiv", [Insn.SDiv.Imm(Register.R0, 1)]),
        ("smod", [Insn.SMod.Imm(Register.R0, 1)]),
        ("bswap", [Insn.BSwap(Register.R0, 64)]),
        ("gotol", [Insn.JaLong(0)]),
    ];

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
