using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>The wording of EPERM/EACCES explanations, from fabricated status, securityfs, sysctl and config files.</summary>
public sealed class PermissionDiagnosisTests
{
    private const string AllButSysResource = "000001fffeffffff";
    private const string All = "000001ffffffffff";

    private string _dir = null!;
    private bool? _chargesMemlock;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("ebpf-diagnosis-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void PrivilegedRefusalOnALockedDownMachineNamesLockdownAndTheBoundingSet()
    {
        Write("security/lockdown", "none [integrity] confidentiality\n");
        Write("security/lsm", "lockdown,capability,landlock,bpf");
        var finding = Diagnose(AllButSysResource, AllButSysResource);
        Assert.That(finding.Text, Is.EqualTo(
            "refused although CAP_BPF and CAP_SYS_ADMIN are effective; restrictions in force: the kernel is locked down (integrity; see kernel_lockdown(7)); " +
            "CAP_SYS_RESOURCE is not in the capability bounding set"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [Test]
    public void WithoutSecurityfsLockdownIsReadFromTheOptionThatForcesIt()
    {
        var finding = Diagnose(All, All, "CONFIG_BPF_SYSCALL=y\nCONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y\n");
        Assert.That(finding.Text, Is.EqualTo(
            "refused although CAP_BPF and CAP_SYS_ADMIN are effective; restrictions in force: the kernel is locked down (integrity, forced by CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY; see kernel_lockdown(7))"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [Test]
    public void OnAKernelThatChargesRlimitMemlockAFiniteLimitIsNamedFirst()
    {
        _chargesMemlock = true;
        Write("limits", "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max locked memory         65536                65536                bytes     \n");
        Write("security/lockdown", "none [integrity] confidentiality\n");
        var finding = Diagnose(All, All);
        Assert.That(finding.Text, Is.EqualTo(
            "refused although CAP_BPF and CAP_SYS_ADMIN are effective; restrictions in force: this kernel charges BPF maps and programs against "
            + "RLIMIT_MEMLOCK (before Linux 5.11), which is 65536 bytes: lift it with MemlockLimit.Remove() or `ulimit -l unlimited`; "
            + "the kernel is locked down (integrity; see kernel_lockdown(7))"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [TestCase(true, "unlimited")]
    [TestCase(false, "65536")]
    [TestCase(null, "65536")]
    public void TheLimitIsNotNamedWhenUnlimitedOrNotCharged(bool? charges, string soft)
    {
        _chargesMemlock = charges;
        Write("limits", $"Max locked memory         {soft}                unlimited            bytes     \n");
        Assert.That(Diagnose(All, All).Text, Does.Not.Contain("RLIMIT_MEMLOCK"));
    }

    [Test]
    public void OrFromTheBootParameter()
    {
        Write("cmdline", "console=ttyS0 lockdown=confidentiality quiet\n");
        var finding = Diagnose(All, All);
        Assert.That(finding.Text, Does.Contain("the kernel is locked down (confidentiality, from the lockdown= boot parameter; see kernel_lockdown(7))"));
    }

    [Test]
    public void PrivilegedRefusalWithNothingRestrictingItIsUnexplained()
    {
        Write("security/lockdown", "[none] integrity confidentiality\n");
        Write("cmdline", "lockdown=none\n");
        var finding = Diagnose(All, All);
        Assert.That(finding.Text, Is.EqualTo(
            "refused although CAP_BPF and CAP_SYS_ADMIN are effective, and no lockdown, LSM, capability bounding set or sysctl restriction is in force"));
        Assert.That(finding.ExplainedByEnvironment, Is.False, "a test expecting the call to work must fail");
    }

    [Test]
    public void UnprivilegedRefusalNamesTheMissingCapabilitiesAndTheSysctl()
    {
        var finding = Diagnose("0000000000000000", "0000000000000000", unprivilegedBpfDisabled: "2");
        Assert.That(finding.Text, Is.EqualTo(
            "the process has neither CAP_BPF nor CAP_SYS_ADMIN effective (nor in its capability bounding set, so it cannot gain them); " +
            "kernel.unprivileged_bpf_disabled is 2, so bpf() refuses processes without CAP_BPF or CAP_SYS_ADMIN; " + EbpfPermissionException.Hint));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [Test]
    public void RefusalInAUserNamespaceNamesTheNamespaceAndTheBpfToken()
    {
        Write("uid_map", "         0          0          1\n");
        var finding = Diagnose(All, All);
        Assert.That(finding.Text, Does.StartWith(
            "refused although CAP_BPF and CAP_SYS_ADMIN are effective; restrictions in force: the process runs in a user namespace (uid_map '0          0          1'), "
            + "where its capabilities count only there").And.Contain("BpfToken.Create"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [Test]
    public void CapBpfAloneNamesTheCapabilitiesTracingAndNetworkingAddToIt()
    {
        ulong capBpf = 1UL << ProcessCapabilities.Bpf;
        var finding = Diagnose(capBpf.ToString("x16"), All);
        Assert.That(finding.Text, Does.StartWith("refused although CAP_BPF is effective; restrictions in force: CAP_PERFMON is not effective").And.Contain("CAP_NET_ADMIN is not effective"));
    }

    [Test]
    public void LoadedBpfLsmProgramsAreNamedWhenTheBpfLsmIsActive()
    {
        Write("security/lsm", "lockdown,capability,bpf");
        var sources = Sources() with { CountLsmPrograms = () => 2, Config = KernelConfig.Parse(new StringReader("CONFIG_BPF_SYSCALL=y\n"), 0x061200) };
        Write("status", $"Name:\ttest\nCapEff:\t{All}\nCapBnd:\t{All}\n");
        var finding = PermissionDiagnosis.Read(sources).Explain();
        Assert.That(finding.Text, Does.Contain("2 BPF LSM programs are loaded (bpftool prog list shows them)"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);

        Write("security/lsm", "lockdown,capability");
        Assert.That(PermissionDiagnosis.Read(sources).Explain().Text, Does.Not.Contain("BPF LSM"), "programs of an inactive BPF LSM cannot refuse anything");
    }

    [Test]
    [Category("Kernel")]
    public void TheRunningKernelsLsmProgramsCanBeCounted()
    {
        Assert.That(PermissionDiagnosis.CountLoadedLsmPrograms(), Is.Not.Null.And.GreaterThanOrEqualTo(0), "root lists programs");
    }

    [Test]
    public void EnforcingSelinuxIsNamed()
    {
        Write("selinux/enforce", "1\n");
        Assert.That(Diagnose(All, All).Text, Does.Contain("SELinux enforces its policy"));
    }

    [Test]
    public void SeveralCapabilitiesMissingFromTheBoundingSetAreListed()
    {
        ulong bounding = 0x000001ffffffffffUL & ~(1UL << ProcessCapabilities.SysResource) & ~(1UL << 25) & ~(1UL << 16);
        var finding = Diagnose(AllButSysResource, bounding.ToString("x16"));
        Assert.That(finding.Text, Does.EndWith("CAP_SYS_MODULE, CAP_SYS_RESOURCE and CAP_SYS_TIME are not in the capability bounding set"));
    }

    [Test]
    public void UnreadableCapabilitiesGiveTheGeneralHint()
    {
        var finding = PermissionDiagnosis.Read(Sources() with { StatusPath = Path.Combine(_dir, "missing") }).Explain();
        Assert.That((finding.Text, finding.ExplainedByEnvironment), Is.EqualTo((EbpfPermissionException.Hint, false)));
    }

    [Test]
    public void KernelRefusalsCarryThisProcesssDiagnosis()
    {
        var e = (EbpfPermissionException)Errno.EPERM.ToException(BpfCommand.MapCreate);
        var expected = PermissionDiagnosis.Read().Explain();
        Assert.That(e.Message, Is.EqualTo($"BPF_MAP_CREATE failed: Operation not permitted (EPERM): {expected.Text}"));
        Assert.That(e.Finding, Is.EqualTo(expected));
    }

    [Test]
    public void RefusedMapAccessIsNotBlamedOnPrivileges()
    {
        var e = (EbpfPermissionException)Errno.EPERM.ToException(BpfCommand.MapUpdateElem);
        Assert.That(e.Message, Does.Contain("BPF_MAP_UPDATE_ELEM failed: Operation not permitted (EPERM): the map or this descriptor of it does not allow that access")
            .And.Contain("a frozen map").And.Not.Contain("CAP_"));
        Assert.That(e.Finding!.Value.ExplainedByEnvironment, Is.False);
        Assert.That(new EbpfPermissionException("mmap", Errno.EPERM).Message, Does.Contain("does not allow that access"));
    }

    [Test]
    public void PerfEventOpenWithoutPerfmonNamesTheParanoidLevel()
    {
        Write("sys/perf_event_paranoid", "2\n");
        var finding = Read("0000000000000000", All).ExplainPerfEventOpen();
        Assert.That(finding.Text, Is.EqualTo(
            "the process has neither CAP_PERFMON nor CAP_SYS_ADMIN effective, and kernel.perf_event_paranoid is 2, so CPU-wide and kernel events " +
            "(tracepoints, kprobes, uprobes) need CAP_PERFMON or CAP_SYS_ADMIN"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [Test]
    public void PerfEventOpenWithPerfmonOnALockedDownMachineNamesLockdown()
    {
        Write("sys/perf_event_paranoid", "2\n");
        Write("security/lockdown", "none integrity [confidentiality]\n");
        var finding = Read(All, All).ExplainPerfEventOpen();
        Assert.That(finding.Text, Is.EqualTo(
            "perf_event_open refused although CAP_PERFMON and CAP_SYS_ADMIN are effective; restrictions in force: the kernel is locked down " +
            "(confidentiality; see kernel_lockdown(7)), which refuses kprobes (integrity) and perf events that read kernel memory (confidentiality)"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [Test]
    public void PerfEventOpenWithPerfmonAndNothingRestrictingItIsUnexplained()
    {
        Write("sys/perf_event_paranoid", "-1\n");
        var finding = Read(All, All).ExplainPerfEventOpen();
        Assert.That(finding.Text, Is.EqualTo("perf_event_open refused although CAP_PERFMON and CAP_SYS_ADMIN are effective, and no lockdown or LSM restriction is in force"));
        Assert.That(finding.ExplainedByEnvironment, Is.False);
    }

    [Test]
    public void MountWithoutSysAdminSaysSo()
    {
        var finding = Read("0000000000000000", "0000000000000000").ExplainMount();
        Assert.That(finding.Text, Is.EqualTo("mount needs CAP_SYS_ADMIN, which is not effective (nor in its capability bounding set, so it cannot gain them)"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [Test]
    public void MountInAUserNamespaceNamesIt()
    {
        Write("uid_map", "         0       1000          1\n");
        var finding = Read(All, All).ExplainMount();
        Assert.That(finding.Text, Is.EqualTo(
            "mount refused although CAP_SYS_ADMIN is effective; the process runs in a user namespace (uid_map '0       1000          1'), " +
            "whose CAP_SYS_ADMIN mounts only file systems allowed there"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
    }

    [Test]
    public void MountInTheInitialNamespaceWithSysAdminIsUnexplained()
    {
        Write("uid_map", "         0          0 4294967295\n");
        var finding = Read(All, All).ExplainMount();
        Assert.That(finding.ExplainedByEnvironment, Is.False);
    }

    [Test]
    public void NetlinkRequestWithoutNetAdminSaysSo()
    {
        var finding = Read("0000000000000000", "0000000000000000").ExplainNetworkAdmin("RTM_NEWTFILTER");
        Assert.That(finding.Text, Is.EqualTo("RTM_NEWTFILTER needs CAP_NET_ADMIN, which is not effective (nor in its capability bounding set, so it cannot gain them)"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
        Assert.That(PermissionDiagnosis.ExplainCall("RTM_SETLINK").Text, Does.Contain("CAP_NET_ADMIN"));
    }

    [Test]
    public void NetlinkRequestInAUserNamespaceNamesIt()
    {
        Write("uid_map", "         0       1000          1\n");
        var finding = Read(All, All).ExplainNetworkAdmin("RTM_SETLINK");
        Assert.That(finding.Text, Does.StartWith("RTM_SETLINK refused although CAP_NET_ADMIN is effective; the process runs in a user namespace"));
        Assert.That(finding.ExplainedByEnvironment, Is.True);
        Write("uid_map", "         0          0 4294967295\n");
        Assert.That(Read(All, All).ExplainNetworkAdmin("RTM_SETLINK").ExplainedByEnvironment, Is.False);
    }

    private PermissionDiagnosis Read(string capEff, string capBnd)
    {
        Write("status", $"Name:\ttest\nCapEff:\t{capEff}\nCapBnd:\t{capBnd}\n");
        Write("sys/cap_last_cap", "40\n");
        return PermissionDiagnosis.Read(Sources() with { Config = KernelConfig.Parse(new StringReader("CONFIG_BPF_SYSCALL=y\n"), 0x061200) });
    }

    private PermissionFinding Diagnose(string capEff, string capBnd, string config = "CONFIG_BPF_SYSCALL=y\n", string unprivilegedBpfDisabled = "0")
    {
        Write("status", $"Name:\ttest\nCapEff:\t{capEff}\nCapBnd:\t{capBnd}\n");
        Write("sys/unprivileged_bpf_disabled", unprivilegedBpfDisabled + "\n");
        Write("sys/cap_last_cap", "40\n");
        return PermissionDiagnosis.Read(Sources() with { Config = KernelConfig.Parse(new StringReader(config), 0x061200) }).Explain();
    }

    private PermissionSources Sources() => new()
    {
        StatusPath = Path.Combine(_dir, "status"),
        SecurityDirectory = Path.Combine(_dir, "security"),
        SysctlDirectory = Path.Combine(_dir, "sys"),
        CommandLinePath = Path.Combine(_dir, "cmdline"),
        SelinuxDirectory = Path.Combine(_dir, "selinux"),
        UidMapPath = Path.Combine(_dir, "uid_map"),
        LimitsPath = Path.Combine(_dir, "limits"),
        CountLsmPrograms = () => 0,
        ChargesMemlock = () => _chargesMemlock,
    };

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
