using System.Reflection;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// The func/line info fallback against the real kernel's refusal: the running kernel knows func_info, so the test
/// makes it refuse (a record size it does not accept) and checks that the load classifies the kernel's own message
/// and goes on without BTF, or fails with <see cref="EbpfNotSupportedException"/> when fallbacks are disabled.
/// </summary>
[Category("Kernel")]
public class FeatureFallbackKernelTests
{
    [Test]
    public void TheKernelsFuncInfoRefusalIsRetriedWithoutBtf()
    {
        var sys = FuncInfoCorrupting.Create();
        var reports = new List<string>();

        using var program = Program.Load(
            ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp),
            new ProgramLoadOptions { Fallbacks = new FeatureFallbacks { Report = reports.Add } },
            sys);

        Assert.That(reports.Single(), Does.Contain("function and line info"));
        Assert.That(program.Info().BtfId, Is.Zero, "loaded without BTF");
        Assert.That(program.TestRun(new byte[64]).ReturnValue, Is.EqualTo(2u), "XDP_PASS");
    }

    [Test]
    public void TheKernelsFuncInfoRefusalFailsWhenFallbacksAreDisabled()
    {
        var e = Assert.Throws<EbpfNotSupportedException>(() => Program.Load(
            ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp),
            new ProgramLoadOptions { Fallbacks = FeatureFallbacks.Strict },
            FuncInfoCorrupting.Create()))!;
        Assert.That(e.InnerException, Is.InstanceOf<EbpfVerifierException>());
        Assert.That(((EbpfVerifierException)e.InnerException!).Log, Does.Contain("func info").Or.Contain("func_info"));
    }

    /// <summary>The real system calls, except that BPF_PROG_LOAD gets a func_info record size the kernel refuses.</summary>
    public class FuncInfoCorrupting : DispatchProxy
    {
        public static IBpfSyscalls Create() => Create<IBpfSyscalls, FuncInfoCorrupting>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IBpfSyscalls.ProgLoad) && args![0] is ProgLoadAttr attr && attr.FuncInfoCnt != 0)
            {
                attr.FuncInfoRecSize = 7; // not a multiple of 4 bytes nor the known size: "invalid func info rec size"
                args[0] = attr;
            }

            try
            {
                return targetMethod.Invoke(LinuxBpfSyscalls.Instance, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}
