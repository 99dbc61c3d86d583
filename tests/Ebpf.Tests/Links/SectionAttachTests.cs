using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Moq;

namespace Ebpf.Tests.Links;

/// <summary>
/// Attaching from the section (<see cref="SectionAttachExtensions"/>): what each section kind asks for, read as libbpf's
/// attach-from-section rules read it, and what <c>program.Attach()</c> does with it over a mocked kernel.
/// </summary>
public sealed class SectionAttachTests
{
    private static BpfFileDescriptor ProgramFd => new(41, ownsHandle: false);

    private static readonly SectionAttachPlan[] Expected =
    [
        new(SectionAttachVerb.Tracepoint, "sys_enter_openat") { Group = "syscalls" },
        new(SectionAttachVerb.Tracepoint, "sched_switch") { Group = "sched" },
        new(SectionAttachVerb.RawTracepoint, "sys_enter"),
        new(SectionAttachVerb.RawTracepoint, "sched_switch"),
        new(SectionAttachVerb.RawTracepoint, "bpf_test_finish"),
        new(SectionAttachVerb.Tracing, "sys_enter") { AttachType = BpfAttachType.TraceRawTp },
        new(SectionAttachVerb.Tracing, "do_unlinkat") { AttachType = BpfAttachType.TraceFentry },
        new(SectionAttachVerb.Tracing, "do_unlinkat") { AttachType = BpfAttachType.TraceFexit },
        new(SectionAttachVerb.Tracing, "bpf_modify_return_test") { AttachType = BpfAttachType.ModifyReturn },
        new(SectionAttachVerb.Tracing, "__x64_sys_getpgid") { AttachType = BpfAttachType.TraceFentry },
        new(SectionAttachVerb.Tracing, "file_open") { AttachType = BpfAttachType.LsmMac },
        new(SectionAttachVerb.Tracing, "bprm_committed_creds") { AttachType = BpfAttachType.LsmMac },
        new(SectionAttachVerb.Iterator, "task"),
        new(SectionAttachVerb.Iterator, "task_file"),
        new(SectionAttachVerb.Kprobe, "do_unlinkat"),
        new(SectionAttachVerb.Kprobe, "do_unlinkat") { Offset = 0x10 },
        new(SectionAttachVerb.Kprobe, "tcp_v4_connect.isra.0") { Offset = 8 },
        new(SectionAttachVerb.Kprobe, "do_unlinkat") { ReturnProbe = true },
        new(SectionAttachVerb.Syscall, "nanosleep"),
        new(SectionAttachVerb.Syscall, "nanosleep") { ReturnProbe = true },
        new(SectionAttachVerb.KprobeMulti, "bpf_fentry_test*"),
        new(SectionAttachVerb.KprobeMulti, "bpf_fentry_test?") { ReturnProbe = true },
        new(SectionAttachVerb.KprobeMulti, "bpf_fentry_test*") { Session = true },
        new(SectionAttachVerb.Uprobe, "malloc") { Binary = "libc.so.6" },
        new(SectionAttachVerb.Uprobe, "main") { Binary = "/proc/self/exe", Offset = 0x20 },
        new(SectionAttachVerb.Uprobe, "free") { Binary = "/usr/lib/libc.so.6", ReturnProbe = true },
        new(SectionAttachVerb.Uprobe, "sleepy") { Binary = "/bin/app" },
        new(SectionAttachVerb.Uprobe, "sleepy") { Binary = "/bin/app", ReturnProbe = true },
        new(SectionAttachVerb.Uprobe, "name+with+plus") { Binary = "/bin/app" },
        new(SectionAttachVerb.UprobeMulti, "ebpf_*") { Binary = "/bin/app" },
        new(SectionAttachVerb.UprobeMulti, "ebpf_*") { Binary = "/bin/app", ReturnProbe = true },
        new(SectionAttachVerb.UprobeMulti, "ebpf_?") { Binary = "/bin/app" },
        new(SectionAttachVerb.UprobeMulti, "ebpf_*") { Binary = "/bin/app", Session = true },
        new(SectionAttachVerb.UprobeMulti, "main") { Binary = "/bin/app", Session = true },
        new(SectionAttachVerb.Usdt, "setjmp") { Binary = "libc.so.6", Provider = "libc" },
        new(SectionAttachVerb.Usdt, "function__entry") { Binary = "/usr/bin/python3.11", Provider = "python" },
    ];

    private static readonly string[] Sections =
    [
        "tracepoint/syscalls/sys_enter_openat", "tp/sched/sched_switch", "raw_tp/sys_enter", "raw_tracepoint/sched_switch",
        "raw_tp.w/bpf_test_finish", "tp_btf/sys_enter", "fentry/do_unlinkat", "fexit/do_unlinkat", "fmod_ret/bpf_modify_return_test",
        "fentry.s/__x64_sys_getpgid", "lsm/file_open", "lsm.s/bprm_committed_creds", "iter/task", "iter.s/task_file",
        "kprobe/do_unlinkat", "kprobe/do_unlinkat+0x10", "kprobe/tcp_v4_connect.isra.0+8", "kretprobe/do_unlinkat",
        "ksyscall/nanosleep", "kretsyscall/nanosleep", "kprobe.multi/bpf_fentry_test*", "kretprobe.multi/bpf_fentry_test?",
        "kprobe.session/bpf_fentry_test*",
        "uprobe/libc.so.6:malloc", "uprobe//proc/self/exe:main+0x20", "uretprobe//usr/lib/libc.so.6:free",
        "uprobe.s//bin/app:sleepy", "?uretprobe.s//bin/app:sleepy", "uprobe//bin/app:name+with+plus",
        "uprobe.multi//bin/app:ebpf_*", "uretprobe.multi//bin/app:ebpf_*", "uprobe.multi.s//bin/app:ebpf_?",
        "uprobe.session//bin/app:ebpf_*", "uprobe.session.s//bin/app:main",
        "usdt/libc.so.6:libc:setjmp", "usdt.s//usr/bin/python3.11:python:function__entry",
    ];

    private static IEnumerable<TestCaseData> AttachingSections() =>
        Sections.Zip(Expected, (section, plan) => new TestCaseData(section, plan).SetArgDisplayNames(section));

    [TestCaseSource(nameof(AttachingSections))]
    public void SectionThatNamesItsTargetGivesTheVerbAndArguments(string section, object expected)
    {
        var match = ProgramSections.Match(section)!;
        var plan = SectionAttachPlan.Read(section, match.ProgramType, loadedWithAttachProgram: false);
        Assert.That(plan, Is.EqualTo(expected));
        Assert.That(plan.Attaches, Is.True);
    }

    [TestCase("tracepoint", "AttachTracepoint")]
    [TestCase("tp", "AttachTracepoint")]
    [TestCase("raw_tp", "AttachRawTracepoint")]
    [TestCase("raw_tracepoint.w", "AttachRawTracepoint")]
    [TestCase("kprobe", "AttachKprobe")]
    [TestCase("kretprobe", "AttachKprobe")]
    [TestCase("ksyscall", "AttachKprobe")]
    [TestCase("kprobe.multi", "AttachKprobeMulti")]
    [TestCase("kprobe.session", "AttachKprobeMulti")]
    [TestCase("uprobe", "AttachUprobe")]
    [TestCase("uretprobe.s", "AttachUprobe")]
    [TestCase("uprobe.multi", "AttachUprobeMulti")]
    [TestCase("uprobe.session", "AttachUprobeMulti")]
    [TestCase("usdt", "AttachUsdt")]
    public void SectionWithoutATargetNamesTheVerb(string section, string verb)
    {
        var plan = SectionAttachPlan.Read(section, ProgramSections.Match(section)!.ProgramType, false);
        Assert.That(plan.Verb, Is.EqualTo(SectionAttachVerb.NoTarget));
        Assert.That(plan.Reason, Does.StartWith($"names no target: call {verb}("));
    }

    [TestCase("xdp", "AttachXdp(interfaceName)")]
    [TestCase("xdp.frags", "AttachXdp(interfaceName)")]
    [TestCase("xdp/devmap", "devmap or cpumap entry")]
    [TestCase("tc", "AttachTcx(interfaceName, attachType)")]
    [TestCase("tcx/ingress", "AttachTcx(interfaceName, attachType)")]
    [TestCase("classifier", "AttachTcx(interfaceName, attachType)")]
    [TestCase("netkit/primary", "AttachNetkit(interfaceName, attachType)")]
    [TestCase("action", "tc action")]
    [TestCase("cgroup_skb/ingress", "AttachCgroup(cgroupPath, attachType)")]
    [TestCase("cgroup/connect4", "AttachCgroup(cgroupPath, attachType)")]
    [TestCase("cgroup/dev", "AttachCgroup(cgroupPath, attachType)")]
    [TestCase("sockops", "AttachCgroup(cgroupPath, attachType)")]
    [TestCase("lsm_cgroup/socket_bind", "AttachCgroup(cgroupPath, BpfAttachType.LsmCgroup)")]
    [TestCase("sk_skb/stream_verdict", "AttachSockmap(map, attachType)")]
    [TestCase("sk_msg", "AttachSockmap(map, attachType)")]
    [TestCase("sk_lookup", "AttachNetns(netnsPath, attachType)")]
    [TestCase("flow_dissector", "AttachNetns(netnsPath, attachType)")]
    [TestCase("sk_reuseport", "SO_ATTACH_REUSEPORT_EBPF")]
    [TestCase("socket", "AttachSocketFilter(socket)")]
    [TestCase("netfilter", "AttachNetfilter(protocolFamily, hook, priority)")]
    [TestCase("perf_event", "AttachPerfEvent(perfEvent)")]
    [TestCase("struct_ops/init", "map.AttachStructOps()")]
    [TestCase("struct_ops.s/sleepable", "map.AttachStructOps()")]
    [TestCase("lirc_mode2", "AttachRaw(lircDevice, BpfAttachType.LircMode2)")]
    [TestCase("syscall", "TestRun()")]
    [TestCase("freplace/global_func", "AttachFreplace(target, functionName)")]
    public void KindThatNeedsArgumentsNamesTheVerb(string section, string verb)
    {
        var plan = SectionAttachPlan.Read(section, ProgramSections.Match(section)!.ProgramType, false);
        Assert.That(plan.Verb, Is.EqualTo(SectionAttachVerb.NeedsArguments));
        Assert.That(plan.Reason, Does.Contain(verb));
    }

    [TestCase("tracepoint/sys_enter_openat")]
    [TestCase("tracepoint/syscalls/")]
    [TestCase("raw_tp/")]
    [TestCase("kprobe/")]
    [TestCase("kprobe/do_unlinkat+")]
    [TestCase("kprobe/do_unlinkat+x")]
    [TestCase("kretprobe/do_unlinkat+4")]
    [TestCase("uprobe//bin/app")]
    [TestCase("uprobe//bin/app:")]
    [TestCase("uretprobe//bin/app:main+0x8")]
    [TestCase("uprobe.multi//bin/app")]
    [TestCase("uprobe.session//bin/app:")]
    [TestCase("kprobe.session/")]
    [TestCase("usdt//bin/app:provider")]
    [TestCase("usdt//bin/app:provider:")]
    [TestCase("usdt//bin/app:provider:name:extra")]
    public void MalformedTargetIsInvalid(string section)
    {
        var plan = SectionAttachPlan.Read(section, ProgramSections.Match(section)!.ProgramType, false);
        Assert.That(plan.Verb, Is.EqualTo(SectionAttachVerb.Invalid), plan.ToString());
    }

    [Test]
    public void AttachFromAUprobeSessionSectionCreatesAUprobeMultiLinkOfTheSessionAttachType()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var created = new List<(BpfAttachType AttachType, uint Flags, uint Count)>();
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                created.Add((a.AttachType, a.UprobeMultiFlags, a.UprobeMultiCnt));
                return new BpfFileDescriptor(63, ownsHandle: false);
            }));
        using var program = MockPrograms.FromSection(ProgramFd, "uprobe.session/libc.so.6:getpid", sys);
        using var link = program.Attach();
        Assert.That(link, Is.TypeOf<UprobeMultiLink>());
        Assert.That(created.Single().AttachType, Is.EqualTo(BpfAttachType.TraceUprobeSession));
        Assert.That(created.Single().Flags, Is.Zero, "no BPF_F_UPROBE_MULTI_RETURN: a session runs on entry and return by itself");
        Assert.That(created.Single().Count, Is.GreaterThan(0u));
    }

    [Test]
    public void FreplaceAttachesFromItsSectionOnlyWhenLoadedWithATarget() =>
        Assert.That(SectionAttachPlan.Read("freplace/global_func", BpfProgramType.Ext, loadedWithAttachProgram: true),
            Is.EqualTo(new SectionAttachPlan(SectionAttachVerb.Freplace, "global_func")));

    [TestCase("*", "anything", true)]
    [TestCase("bpf_fentry_test*", "bpf_fentry_test1", true)]
    [TestCase("bpf_fentry_test?", "bpf_fentry_test10", false)]
    [TestCase("*_test?", "bpf_fentry_test7", true)]
    [TestCase("a*b*c", "axxbyyc", true)]
    [TestCase("a*b*c", "axxbyy", false)]
    [TestCase("exact", "exact", true)]
    [TestCase("exact", "exactly", false)]
    public void GlobsMatchAsLibbpf(string pattern, string name, bool matches) =>
        Assert.That(GlobPattern.IsMatch(pattern, name), Is.EqualTo(matches));

    [Test]
    public void AttachFromARawTracepointSectionOpensTheNamedTracepoint()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        string? name = null;
        sys.Setup(s => s.RawTracepointOpen(in It.Ref<RawTracepointOpenAttr>.IsAny))
            .Returns(new RawTracepointOpenReturn((in RawTracepointOpenAttr a) =>
            {
                name = System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)a.Name);
                return new BpfFileDescriptor(60, ownsHandle: false);
            }));
        using var program = MockPrograms.FromSection(ProgramFd, "raw_tp/sched_switch", sys);
        using var link = program.Attach();
        Assert.That(program.SectionName, Is.EqualTo("raw_tp/sched_switch"));
        Assert.That((link, name), Is.EqualTo((link as RawTracepointLink, "sched_switch")));
    }

    [TestCase("tp_btf/sys_enter", BpfAttachType.TraceRawTp)]
    [TestCase("fentry/do_unlinkat", BpfAttachType.TraceFentry)]
    [TestCase("fmod_ret/bpf_modify_return_test", BpfAttachType.ModifyReturn)]
    [TestCase("lsm/file_open", BpfAttachType.LsmMac)]
    public void AttachFromABtfSectionCreatesATracingLinkOfItsAttachType(string section, BpfAttachType attachType)
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var created = new List<LinkCreateAttr>();
        sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Returns(new LinkCreateReturn((in LinkCreateAttr a) =>
            {
                created.Add(a);
                return new BpfFileDescriptor(62, ownsHandle: false);
            }));
        using var program = MockPrograms.FromSection(ProgramFd, section, sys);
        using var link = program.Attach();
        Assert.That(link, Is.TypeOf<TracingLink>());
        Assert.That((created.Single().ProgFd, created.Single().AttachType), Is.EqualTo((41u, attachType)));
    }

    [Test]
    public void AttachFromAnXdpSectionNamesTheSectionAndTheVerb()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        using var program = MockPrograms.FromSection(ProgramFd, "xdp", sys);
        Assert.That(() => program.Attach(), Throws.InvalidOperationException.With.Message.EqualTo(
            "program mock: section xdp needs an interface: call AttachXdp(interfaceName)"));
    }

    [Test]
    public void AttachOfAnOpenedProgramWithoutSectionSaysSo()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        using var program = MockPrograms.Of(ProgramFd, BpfProgramType.Kprobe, sys);
        Assert.That(() => program.Attach(), Throws.InvalidOperationException.With.Message.Contains("has no section"));
    }

    [Test]
    public void CloneKeepsTheSection()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        using var program = MockPrograms.FromSection(new BpfFileDescriptor(0, ownsHandle: false), "iter/task", sys);
        using var clone = program.Clone();
        Assert.That(clone.SectionName, Is.EqualTo("iter/task"));
    }
}
