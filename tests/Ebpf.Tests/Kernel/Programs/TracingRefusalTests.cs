using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;
using Moq;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// EPERM of fentry/fexit/lsm loads: the program named with what explains the refusal for trampoline programs (the
/// capability hint only when the process lacks the capabilities).
/// </summary>
public sealed class TracingRefusalTests
{
    private const string AllCapabilities = "000001ffffffffff";

    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("ebpf-eperm-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void PrivilegedFentryRefusalNamesTheMissingTrampolines()
    {
        var e = LoadRefused(Fentry(), AllCapabilities, "CONFIG_FTRACE=y\n# CONFIG_FUNCTION_TRACER is not set\n");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Errno, Is.EqualTo(Errno.EPERM));
            Assert.That(e.Message, Does.Contain("program 'fentry'").And.Contain("CAP_SYS_ADMIN").And.Contain("CONFIG_FUNCTION_TRACER is not set"));
            Assert.That(e.Message, Does.Not.Contain(EbpfPermissionException.Hint));
            Assert.That(e.InnerException, Is.InstanceOf<EbpfPermissionException>());
        }
    }

    [Test]
    public void UnprivilegedFentryRefusalKeepsTheCapabilityHint()
    {
        var e = LoadRefused(Fentry(), "0000000000000000", "# CONFIG_FUNCTION_TRACER is not set\n");
        Assert.That(e.Message, Does.Contain("program 'fentry'").And.Contain("BPF_TRACE_FENTRY program: the process has neither CAP_SYS_ADMIN nor CAP_BPF with CAP_PERFMON effective"));
        Assert.That(e.Message, Does.Contain(EbpfPermissionException.Hint).And.Not.Contain("CONFIG_FUNCTION_TRACER"));
    }

    [Test]
    public void CapBpfWithPerfmonCountsAsPrivileged()
    {
        ulong mask = (1UL << ProcessCapabilities.Bpf) | (1UL << ProcessCapabilities.Perfmon);
        var e = LoadRefused(Fentry(), mask.ToString("x16"), "CONFIG_FUNCTION_TRACER=y\nCONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y\n");
        Assert.That(e.Message, Does.Contain("CAP_BPF and CAP_PERFMON").And.Contain("likely causes"));
    }

    [Test]
    public void PrivilegedLsmRefusalNamesInactiveBpfLsmAndLockdown()
    {
        File.WriteAllText(Path.Combine(_dir, "lsm"), "lockdown,capability,yama\n");
        File.WriteAllText(Path.Combine(_dir, "lockdown"), "none [integrity] confidentiality\n");
        var lsm = Fentry() with { Name = "lsm", Type = BpfProgramType.Lsm, AttachType = BpfAttachType.LsmMac, AttachTo = "file_open" };
        var e = LoadRefused(lsm, AllCapabilities, "CONFIG_FUNCTION_TRACER=y\nCONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y\nCONFIG_BPF_LSM=y\n");
        Assert.That(e.Message, Does.Contain("'bpf' is not among the active LSMs").And.Contain("the kernel is locked down (integrity; see kernel_lockdown(7))"));
    }

    [Test]
    public void LockdownForcedByTheConfigIsNamedFirst()
    {
        var e = LoadRefused(Fentry(), AllCapabilities, "CONFIG_FUNCTION_TRACER=y\nCONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y\nCONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y\n");
        Assert.That(e.Message, Does.Contain("refused although CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN are effective; restrictions in force: the kernel is locked down (integrity, forced by CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY"));
    }

    [Test]
    public void OtherProgramTypesKeepTheGeneralDiagnosis()
    {
        var xdp = Fentry() with { Name = "xdp", Type = BpfProgramType.Xdp, AttachType = null, AttachTo = null };
        var e = LoadRefused(xdp, AllCapabilities, "# CONFIG_FUNCTION_TRACER is not set\n");
        Assert.That(e.Message, Does.Contain(PermissionDiagnosis.Read().Explain().Text).And.Not.Contain("trampolines"), "this process's diagnosis, made when the call failed");
    }

    [Test]
    public void CapabilitiesAreReadFromCapEffAndCapBnd()
    {
        string status = Path.Combine(_dir, "status");
        File.WriteAllText(status, "Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\nCapBnd:\t000001ffffffffff\n");
        Assert.That(ProcessCapabilities.Effective(status), Is.EqualTo(0x000001fffeffffffUL));
        Assert.That(ProcessCapabilities.Bounding(status), Is.EqualTo(0x000001ffffffffffUL));
        Assert.That(ProcessCapabilities.Effective(Path.Combine(_dir, "missing")), Is.Null);
        Assert.That(ProcessCapabilities.Effective(), Is.Not.Null, "this process's own status");
        Assert.That(ProcessCapabilities.Bounding(), Is.Not.Null, "this process's own status");
    }

    private static ProgramSpec Fentry() => new()
    {
        Name = "fentry",
        Type = BpfProgramType.Tracing,
        AttachType = BpfAttachType.TraceFentry,
        AttachTo = "bpf_fentry_test1",
        Instructions = new Instructions([Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
    };

    private EbpfPermissionException LoadRefused(ProgramSpec spec, string capEff, string config)
    {
        string status = Path.Combine(_dir, "status");
        File.WriteAllText(status, $"Name:\ttest\nCapEff:\t{capEff}\n");
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
            throw new EbpfPermissionException(BpfCommand.ProgLoad, Errno.EPERM)));
        var options = new ProgramLoadOptions
        {
            AttachBtfId = 7,
            KernelConfig = KernelConfig.Parse(new StringReader(config), 0x061200),
            ProcessStatusPath = status,
            SecurityDirectory = _dir,
        };
        return Assert.Throws<EbpfPermissionException>(() => Program.Load(spec, options, sys.Object))!;
    }
}
