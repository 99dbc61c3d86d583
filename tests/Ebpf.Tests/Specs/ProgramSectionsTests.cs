using Ebpf.Specs;

namespace Ebpf.Tests.Specs;

/// <summary>The ELF section name table: every libbpf row, the matching rules, and libbpf itself as the reference.</summary>
[TestFixture]
public sealed class ProgramSectionsTests
{
    /// <summary>One realistic section name per table row (and the bare form of a few '+' rows).</summary>
    private static readonly SectionCase[] Cases =
    [
        new("socket", "socket", BpfProgramType.SocketFilter, null, ProgramSectionFlags.None, null),
        new("sk_reuseport/migrate", "sk_reuseport/migrate", BpfProgramType.SkReuseport, BpfAttachType.SkReuseportSelectOrMigrate, ProgramSectionFlags.Attachable, null),
        new("sk_reuseport", "sk_reuseport", BpfProgramType.SkReuseport, BpfAttachType.SkReuseportSelect, ProgramSectionFlags.Attachable, null),
        new("kprobe/do_sys_open", "kprobe+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, "do_sys_open"),
        new("kprobe", "kprobe+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, null),
        new("kprobe/tcp_sendmsg+0x10", "kprobe+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, "tcp_sendmsg+0x10"),
        new("uprobe//bin/bash:readline", "uprobe+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, "/bin/bash:readline"),
        new("uprobe", "uprobe+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, null),
        new("uprobe.s//usr/lib/libc.so.6:malloc", "uprobe.s+", BpfProgramType.Kprobe, null, ProgramSectionFlags.Sleepable, "/usr/lib/libc.so.6:malloc"),
        new("kretprobe/do_sys_open", "kretprobe+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, "do_sys_open"),
        new("uretprobe//bin/bash:readline", "uretprobe+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, "/bin/bash:readline"),
        new("uretprobe.s/libc.so.6:free", "uretprobe.s+", BpfProgramType.Kprobe, null, ProgramSectionFlags.Sleepable, "libc.so.6:free"),
        new("kprobe.multi/tcp_*", "kprobe.multi+", BpfProgramType.Kprobe, BpfAttachType.TraceKprobeMulti, ProgramSectionFlags.None, "tcp_*"),
        new("kretprobe.multi/vfs_*", "kretprobe.multi+", BpfProgramType.Kprobe, BpfAttachType.TraceKprobeMulti, ProgramSectionFlags.None, "vfs_*"),
        new("kprobe.session/bpf_fentry_test?", "kprobe.session+", BpfProgramType.Kprobe, BpfAttachType.TraceKprobeSession, ProgramSectionFlags.None, "bpf_fentry_test?"),
        new("uprobe.multi//bin/bash:read*", "uprobe.multi+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti, ProgramSectionFlags.None, "/bin/bash:read*"),
        new("uretprobe.multi//bin/bash:read*", "uretprobe.multi+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti, ProgramSectionFlags.None, "/bin/bash:read*"),
        new("uprobe.session//usr/bin/python3:Py*", "uprobe.session+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeSession, ProgramSectionFlags.None, "/usr/bin/python3:Py*"),
        new("uprobe.multi.s//bin/bash:main", "uprobe.multi.s+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti, ProgramSectionFlags.Sleepable, "/bin/bash:main"),
        new("uretprobe.multi.s//bin/bash:main", "uretprobe.multi.s+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti, ProgramSectionFlags.Sleepable, "/bin/bash:main"),
        new("uprobe.session.s//bin/bash:main", "uprobe.session.s+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeSession, ProgramSectionFlags.Sleepable, "/bin/bash:main"),
        new("ksyscall/openat", "ksyscall+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, "openat"),
        new("kretsyscall/openat", "kretsyscall+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None, "openat"),
        new("usdt/libc.so.6:libc:setjmp", "usdt+", BpfProgramType.Kprobe, null, ProgramSectionFlags.Usdt, "libc.so.6:libc:setjmp"),
        new("usdt", "usdt+", BpfProgramType.Kprobe, null, ProgramSectionFlags.Usdt, null),
        new("usdt.s//usr/bin/python3:python:function__entry", "usdt.s+", BpfProgramType.Kprobe, null, ProgramSectionFlags.Usdt | ProgramSectionFlags.Sleepable, "/usr/bin/python3:python:function__entry"),
        new("tc/ingress", "tc/ingress", BpfProgramType.SchedCls, BpfAttachType.TcxIngress, ProgramSectionFlags.None, null),
        new("tc/egress", "tc/egress", BpfProgramType.SchedCls, BpfAttachType.TcxEgress, ProgramSectionFlags.None, null),
        new("tcx/ingress", "tcx/ingress", BpfProgramType.SchedCls, BpfAttachType.TcxIngress, ProgramSectionFlags.None, null),
        new("tcx/egress", "tcx/egress", BpfProgramType.SchedCls, BpfAttachType.TcxEgress, ProgramSectionFlags.None, null),
        new("tc", "tc", BpfProgramType.SchedCls, null, ProgramSectionFlags.None, null),
        new("classifier", "classifier", BpfProgramType.SchedCls, null, ProgramSectionFlags.None, null),
        new("action", "action", BpfProgramType.SchedAct, null, ProgramSectionFlags.None, null),
        new("netkit/primary", "netkit/primary", BpfProgramType.SchedCls, BpfAttachType.NetkitPrimary, ProgramSectionFlags.None, null),
        new("netkit/peer", "netkit/peer", BpfProgramType.SchedCls, BpfAttachType.NetkitPeer, ProgramSectionFlags.None, null),
        new("tracepoint/syscalls/sys_enter_getpid", "tracepoint+", BpfProgramType.Tracepoint, null, ProgramSectionFlags.None, "syscalls/sys_enter_getpid"),
        new("tracepoint", "tracepoint+", BpfProgramType.Tracepoint, null, ProgramSectionFlags.None, null),
        new("tp/sched/sched_switch", "tp+", BpfProgramType.Tracepoint, null, ProgramSectionFlags.None, "sched/sched_switch"),
        new("raw_tracepoint/sched_switch", "raw_tracepoint+", BpfProgramType.RawTracepoint, null, ProgramSectionFlags.None, "sched_switch"),
        new("raw_tp/sys_enter", "raw_tp+", BpfProgramType.RawTracepoint, null, ProgramSectionFlags.None, "sys_enter"),
        new("raw_tracepoint.w/bpf_testmod_test_writable_bare", "raw_tracepoint.w+", BpfProgramType.RawTracepointWritable, null, ProgramSectionFlags.None, "bpf_testmod_test_writable_bare"),
        new("raw_tp.w/bpf_testmod_test_writable_bare", "raw_tp.w+", BpfProgramType.RawTracepointWritable, null, ProgramSectionFlags.None, "bpf_testmod_test_writable_bare"),
        new("tp_btf/sched_switch", "tp_btf+", BpfProgramType.Tracing, BpfAttachType.TraceRawTp, ProgramSectionFlags.AttachBtf, "sched_switch"),
        new("fentry/do_unlinkat", "fentry+", BpfProgramType.Tracing, BpfAttachType.TraceFentry, ProgramSectionFlags.AttachBtf, "do_unlinkat"),
        new("fmod_ret/bpf_modify_return_test", "fmod_ret+", BpfProgramType.Tracing, BpfAttachType.ModifyReturn, ProgramSectionFlags.AttachBtf, "bpf_modify_return_test"),
        new("fexit/do_unlinkat", "fexit+", BpfProgramType.Tracing, BpfAttachType.TraceFexit, ProgramSectionFlags.AttachBtf, "do_unlinkat"),
        new("fentry.s/__x64_sys_setdomainname", "fentry.s+", BpfProgramType.Tracing, BpfAttachType.TraceFentry, ProgramSectionFlags.AttachBtf | ProgramSectionFlags.Sleepable, "__x64_sys_setdomainname"),
        new("fmod_ret.s/bpf_modify_return_test", "fmod_ret.s+", BpfProgramType.Tracing, BpfAttachType.ModifyReturn, ProgramSectionFlags.AttachBtf | ProgramSectionFlags.Sleepable, "bpf_modify_return_test"),
        new("fexit.s/do_unlinkat", "fexit.s+", BpfProgramType.Tracing, BpfAttachType.TraceFexit, ProgramSectionFlags.AttachBtf | ProgramSectionFlags.Sleepable, "do_unlinkat"),
        new("freplace/get_constant", "freplace+", BpfProgramType.Ext, null, ProgramSectionFlags.AttachBtf, "get_constant"),
        new("lsm/file_open", "lsm+", BpfProgramType.Lsm, BpfAttachType.LsmMac, ProgramSectionFlags.AttachBtf, "file_open"),
        new("lsm.s/bprm_committed_creds", "lsm.s+", BpfProgramType.Lsm, BpfAttachType.LsmMac, ProgramSectionFlags.AttachBtf | ProgramSectionFlags.Sleepable, "bprm_committed_creds"),
        new("lsm_cgroup/socket_bind", "lsm_cgroup+", BpfProgramType.Lsm, BpfAttachType.LsmCgroup, ProgramSectionFlags.AttachBtf, "socket_bind"),
        new("iter/task", "iter+", BpfProgramType.Tracing, BpfAttachType.TraceIter, ProgramSectionFlags.AttachBtf, "task"),
        new("iter.s/cgroup", "iter.s+", BpfProgramType.Tracing, BpfAttachType.TraceIter, ProgramSectionFlags.AttachBtf | ProgramSectionFlags.Sleepable, "cgroup"),
        new("syscall", "syscall", BpfProgramType.Syscall, null, ProgramSectionFlags.Sleepable, null),
        new("xdp.frags/devmap", "xdp.frags/devmap", BpfProgramType.Xdp, BpfAttachType.XdpDevmap, ProgramSectionFlags.XdpFrags, null),
        new("xdp/devmap", "xdp/devmap", BpfProgramType.Xdp, BpfAttachType.XdpDevmap, ProgramSectionFlags.Attachable, null),
        new("xdp.frags/cpumap", "xdp.frags/cpumap", BpfProgramType.Xdp, BpfAttachType.XdpCpumap, ProgramSectionFlags.XdpFrags, null),
        new("xdp/cpumap", "xdp/cpumap", BpfProgramType.Xdp, BpfAttachType.XdpCpumap, ProgramSectionFlags.Attachable, null),
        new("xdp.frags", "xdp.frags", BpfProgramType.Xdp, BpfAttachType.Xdp, ProgramSectionFlags.XdpFrags, null),
        new("xdp", "xdp", BpfProgramType.Xdp, BpfAttachType.Xdp, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("perf_event", "perf_event", BpfProgramType.PerfEvent, null, ProgramSectionFlags.None, null),
        new("lwt_in", "lwt_in", BpfProgramType.LwtIn, null, ProgramSectionFlags.None, null),
        new("lwt_out", "lwt_out", BpfProgramType.LwtOut, null, ProgramSectionFlags.None, null),
        new("lwt_xmit", "lwt_xmit", BpfProgramType.LwtXmit, null, ProgramSectionFlags.None, null),
        new("lwt_seg6local", "lwt_seg6local", BpfProgramType.LwtSeg6local, null, ProgramSectionFlags.None, null),
        new("sockops", "sockops", BpfProgramType.SockOps, BpfAttachType.CgroupSockOps, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("sk_skb/stream_parser", "sk_skb/stream_parser", BpfProgramType.SkSkb, BpfAttachType.SkSkbStreamParser, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("sk_skb/stream_verdict", "sk_skb/stream_verdict", BpfProgramType.SkSkb, BpfAttachType.SkSkbStreamVerdict, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("sk_skb/verdict", "sk_skb/verdict", BpfProgramType.SkSkb, BpfAttachType.SkSkbVerdict, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("sk_skb", "sk_skb", BpfProgramType.SkSkb, null, ProgramSectionFlags.None, null),
        new("sk_msg", "sk_msg", BpfProgramType.SkMsg, BpfAttachType.SkMsgVerdict, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("lirc_mode2", "lirc_mode2", BpfProgramType.LircMode2, BpfAttachType.LircMode2, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("flow_dissector", "flow_dissector", BpfProgramType.FlowDissector, BpfAttachType.FlowDissector, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("cgroup_skb/ingress", "cgroup_skb/ingress", BpfProgramType.CgroupSkb, BpfAttachType.CgroupInetIngress, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("cgroup_skb/egress", "cgroup_skb/egress", BpfProgramType.CgroupSkb, BpfAttachType.CgroupInetEgress, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("cgroup/skb", "cgroup/skb", BpfProgramType.CgroupSkb, null, ProgramSectionFlags.None, null),
        new("cgroup/sock_create", "cgroup/sock_create", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockCreate, ProgramSectionFlags.Attachable, null),
        new("cgroup/sock_release", "cgroup/sock_release", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockRelease, ProgramSectionFlags.Attachable, null),
        new("cgroup/sock", "cgroup/sock", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockCreate, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("cgroup/post_bind4", "cgroup/post_bind4", BpfProgramType.CgroupSock, BpfAttachType.CgroupInet4PostBind, ProgramSectionFlags.Attachable, null),
        new("cgroup/post_bind6", "cgroup/post_bind6", BpfProgramType.CgroupSock, BpfAttachType.CgroupInet6PostBind, ProgramSectionFlags.Attachable, null),
        new("cgroup/bind4", "cgroup/bind4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Bind, ProgramSectionFlags.Attachable, null),
        new("cgroup/bind6", "cgroup/bind6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Bind, ProgramSectionFlags.Attachable, null),
        new("cgroup/connect4", "cgroup/connect4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Connect, ProgramSectionFlags.Attachable, null),
        new("cgroup/connect6", "cgroup/connect6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Connect, ProgramSectionFlags.Attachable, null),
        new("cgroup/connect_unix", "cgroup/connect_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixConnect, ProgramSectionFlags.Attachable, null),
        new("cgroup/sendmsg4", "cgroup/sendmsg4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp4Sendmsg, ProgramSectionFlags.Attachable, null),
        new("cgroup/sendmsg6", "cgroup/sendmsg6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp6Sendmsg, ProgramSectionFlags.Attachable, null),
        new("cgroup/sendmsg_unix", "cgroup/sendmsg_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixSendmsg, ProgramSectionFlags.Attachable, null),
        new("cgroup/recvmsg4", "cgroup/recvmsg4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp4Recvmsg, ProgramSectionFlags.Attachable, null),
        new("cgroup/recvmsg6", "cgroup/recvmsg6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp6Recvmsg, ProgramSectionFlags.Attachable, null),
        new("cgroup/recvmsg_unix", "cgroup/recvmsg_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixRecvmsg, ProgramSectionFlags.Attachable, null),
        new("cgroup/getpeername4", "cgroup/getpeername4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Getpeername, ProgramSectionFlags.Attachable, null),
        new("cgroup/getpeername6", "cgroup/getpeername6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Getpeername, ProgramSectionFlags.Attachable, null),
        new("cgroup/getpeername_unix", "cgroup/getpeername_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixGetpeername, ProgramSectionFlags.Attachable, null),
        new("cgroup/getsockname4", "cgroup/getsockname4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Getsockname, ProgramSectionFlags.Attachable, null),
        new("cgroup/getsockname6", "cgroup/getsockname6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Getsockname, ProgramSectionFlags.Attachable, null),
        new("cgroup/getsockname_unix", "cgroup/getsockname_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixGetsockname, ProgramSectionFlags.Attachable, null),
        new("cgroup/sysctl", "cgroup/sysctl", BpfProgramType.CgroupSysctl, BpfAttachType.CgroupSysctl, ProgramSectionFlags.Attachable, null),
        new("cgroup/getsockopt", "cgroup/getsockopt", BpfProgramType.CgroupSockopt, BpfAttachType.CgroupGetsockopt, ProgramSectionFlags.Attachable, null),
        new("cgroup/setsockopt", "cgroup/setsockopt", BpfProgramType.CgroupSockopt, BpfAttachType.CgroupSetsockopt, ProgramSectionFlags.Attachable, null),
        new("cgroup/dev", "cgroup/dev", BpfProgramType.CgroupDevice, BpfAttachType.CgroupDevice, ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional, null),
        new("struct_ops/tcp_init", "struct_ops+", BpfProgramType.StructOps, null, ProgramSectionFlags.None, "tcp_init"),
        new("struct_ops", "struct_ops+", BpfProgramType.StructOps, null, ProgramSectionFlags.None, null),
        new("struct_ops.s/test_sleepable", "struct_ops.s+", BpfProgramType.StructOps, null, ProgramSectionFlags.Sleepable, "test_sleepable"),
        new("sk_lookup", "sk_lookup", BpfProgramType.SkLookup, BpfAttachType.SkLookup, ProgramSectionFlags.Attachable, null),
        new("netfilter", "netfilter", BpfProgramType.Netfilter, BpfAttachType.Netfilter, ProgramSectionFlags.None, null),
    ];

    /// <summary>
    /// Names no row accepts: libbpf 1.x is strict, so legacy prefixes ("xdp_foo") and '+' names glued to more
    /// text ("kprobefoo") are unknown, and names without '+' take no target ("tc/foo").
    /// </summary>
    private static readonly string[] NonMatches =
    [
        "", "?", "??xdp", ".text", "license", ".maps", "maps", "Xdp", "XDP", " xdp", "xdp ",
        "xdpfoo", "xdp_foo", "xdp/", "xdp/foo", "xdp.frags/foo", "xdp.fragsfoo",
        "socket_foo", "socket/foo", "socketfoo",
        "kprobefoo", "kprobe.foo", "kprobe.multifoo", "kretprobefoo", "uprobe_foo", "kprobe.s/do_sys_open",
        "tracepointfoo", "tpfoo", "tp_btffoo", "fentryfoo", "fentry.sx", "lsmfoo", "lsm_cgroupfoo",
        "iterfoo", "usdtfoo", "struct_opsfoo", "struct_ops.sfoo", "raw_tp.wx",
        "tc/foo", "tc/ingressfoo", "tcx", "tcx/foo", "tcfoo", "classifier/foo", "action/foo",
        "netkit", "netkit/foo", "syscall/foo", "perf_event/foo",
        "cgroup", "cgroup/", "cgroup/sock_foo", "cgroup/sockfoo", "cgroup_skb", "cgroup_skb/foo",
        "sk_skb/foo", "sk_skb/verdictfoo", "sk_msg/foo", "sk_lookup/foo", "sk_reuseport/foo",
        "netfilter/foo", "lirc_mode2/foo", "flow_dissector/foo", "sockops/foo",
    ];

    /// <summary>Rows libbpf 1.1 (the installed reference) does not have yet; their names are skipped in the comparison.</summary>
    private static readonly string[] NewerThanLibbpf11 =
    [
        "kprobe.session+", "uprobe.multi+", "uretprobe.multi+", "uprobe.session+",
        "uprobe.multi.s+", "uretprobe.multi.s+", "uprobe.session.s+", "usdt.s+",
        "tc/ingress", "tc/egress", "tcx/ingress", "tcx/egress", "netkit/primary", "netkit/peer",
        "cgroup/connect_unix", "cgroup/sendmsg_unix", "cgroup/recvmsg_unix", "cgroup/getpeername_unix", "cgroup/getsockname_unix",
        "struct_ops.s+", "netfilter", "sk_skb/verdict",
    ];

    private static IEnumerable<TestCaseData> MatchCases() =>
        Cases.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    private static IEnumerable<TestCaseData> NonMatchCases() =>
        NonMatches.Select(n => new TestCaseData(n).SetArgDisplayNames($"\"{n}\""));

    [TestCaseSource(nameof(MatchCases))]
    public void Match_GivesTypeAttachTypeFlagsAndTarget(SectionCase expected)
    {
        var match = ProgramSections.Match(expected.Name);

        Assert.That(match, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(match!.Definition.Pattern, Is.EqualTo(expected.Pattern));
            Assert.That(match.ProgramType, Is.EqualTo(expected.ProgramType));
            Assert.That(match.ExpectedAttachType, Is.EqualTo(expected.AttachType));
            Assert.That(match.Flags, Is.EqualTo(expected.Flags));
            Assert.That(match.Target, Is.EqualTo(expected.Target));
            Assert.That(match.SectionName, Is.EqualTo(expected.Name));
            Assert.That(match.Autoload, Is.True);
            Assert.That(match.Definition.IsSleepable, Is.EqualTo(expected.Flags.HasFlag(ProgramSectionFlags.Sleepable)));
            Assert.That(match.Definition.IsXdpFrags, Is.EqualTo(expected.Flags.HasFlag(ProgramSectionFlags.XdpFrags)));
            Assert.That(match.Definition.IsAttachBtf, Is.EqualTo(expected.Flags.HasFlag(ProgramSectionFlags.AttachBtf)));
            Assert.That(match.Definition.IsAttachable, Is.EqualTo(expected.Flags.HasFlag(ProgramSectionFlags.Attachable)));
            Assert.That(match.Definition.IsExpectedAttachTypeOptional, Is.EqualTo(expected.Flags.HasFlag(ProgramSectionFlags.ExpectedAttachTypeOptional)));
            Assert.That(match.Definition.IsUsdt, Is.EqualTo(expected.Flags.HasFlag(ProgramSectionFlags.Usdt)));
            Assert.That(match.Definition.AcceptsTarget, Is.EqualTo(expected.Pattern.EndsWith('+')));
            Assert.That(ProgramSections.Find(expected.Name), Is.SameAs(match.Definition));
        });
    }

    [TestCaseSource(nameof(MatchCases))]
    public void Match_QuestionMarkTurnsAutoloadOff(SectionCase expected)
    {
        Assert.That(ProgramSections.TryMatch("?" + expected.Name, out var match), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(match!.Autoload, Is.False);
            Assert.That(match.SectionName, Is.EqualTo(expected.Name));
            Assert.That(match.Definition.Pattern, Is.EqualTo(expected.Pattern));
            Assert.That(match.Target, Is.EqualTo(expected.Target));
        });
    }

    [TestCaseSource(nameof(NonMatchCases))]
    public void Match_UnknownNames_ReturnNull(string name)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ProgramSections.Match(name), Is.Null);
            Assert.That(ProgramSections.TryMatch(name, out var match), Is.False);
            Assert.That(match, Is.Null);
            Assert.That(ProgramSections.Find(name), Is.Null);
        });
    }

    [Test]
    public void Find_DoesNotStripQuestionMark_LikeLibbpfProgTypeByName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ProgramSections.Find("?xdp"), Is.Null);
            Assert.That(ProgramSections.Match("?xdp")?.Definition.Pattern, Is.EqualTo("xdp"));
        });
    }

    [Test]
    public void Match_EmptyTargetAfterSlash_IsEmptyNotNull()
    {
        var match = ProgramSections.Match("kprobe/");
        Assert.That(match, Is.Not.Null);
        Assert.That(match!.Target, Is.EqualTo(string.Empty));
    }

    [Test]
    public void Match_TargetKeepsEverySlashAfterTheFirst()
    {
        var match = ProgramSections.Match("?uprobe//usr/lib/x86_64-linux-gnu/libc.so.6:malloc+0x8");
        Assert.That(match, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(match!.Target, Is.EqualTo("/usr/lib/x86_64-linux-gnu/libc.so.6:malloc+0x8"));
            Assert.That(match.Autoload, Is.False);
            Assert.That(match.SectionName, Is.EqualTo("uprobe//usr/lib/x86_64-linux-gnu/libc.so.6:malloc+0x8"));
        });
    }

    [Test]
    public void Definitions_EveryRowHasATestCaseAndPatternsAreUnique()
    {
        var patterns = ProgramSections.Definitions.Select(d => d.Pattern).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(patterns, Is.Unique);
            Assert.That(Cases.Select(c => c.Pattern).Distinct(), Is.EquivalentTo(patterns));
            Assert.That(NewerThanLibbpf11, Is.SubsetOf(patterns));
            Assert.That(patterns, Has.Count.EqualTo(103));
        });
    }

    [Test]
    public void PrefixPattern_MatchesEveryNameItStarts()
    {
        var custom = new ProgramSectionDefinition("custom/", BpfProgramType.Kprobe, null, ProgramSectionFlags.None);
        Assert.Multiple(() =>
        {
            Assert.That(custom.IsPrefix, Is.True);
            Assert.That(custom.AcceptsTarget, Is.False);
            Assert.That(custom.TryMatch("custom/abc/def", out var target, out bool hasTarget), Is.True);
            Assert.That(target.ToString(), Is.EqualTo("abc/def"));
            Assert.That(hasTarget, Is.True);
            Assert.That(custom.Matches("custom/"), Is.True);
            Assert.That(custom.Matches("custom"), Is.False);
            Assert.That(custom.Matches("customx"), Is.False);
        });
    }

    [Test]
    public void Definition_RejectsEmptyPatterns()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => _ = new ProgramSectionDefinition("", BpfProgramType.Kprobe, null, ProgramSectionFlags.None));
            Assert.Throws<ArgumentException>(() => _ = new ProgramSectionDefinition("+", BpfProgramType.Kprobe, null, ProgramSectionFlags.None));
            Assert.Throws<ArgumentNullException>(() => _ = new ProgramSectionDefinition(null!, BpfProgramType.Kprobe, null, ProgramSectionFlags.None));
        });
    }

    [Test]
    public void Find_AllocatesNothing()
    {
        string[] names = ["netfilter", "tracepoint/syscalls/sys_enter_getpid", "unknown_section", "uprobe//bin/bash:readline"];
        foreach (var name in names)
        {
            _ = ProgramSections.Find(name);
            _ = ProgramSections.Definitions[0].TryMatch(name, out _, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            foreach (var name in names)
            {
                _ = ProgramSections.Find(name);
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Libbpf11_AgreesOnEveryNameItKnows()
    {
        var names = Cases.Select(c => c.Name)
            .Concat(Cases.Select(c => "?" + c.Name))
            .Concat(NonMatches.Where(n => n.Length > 0 && !n.Contains(' ', StringComparison.Ordinal)))
            .Concat(["kprobe/", "tracepoint/", "xdp/devmap/foo"])
            .Distinct()
            .ToList();
        var libbpf = LibbpfSectionNames.Resolve(names);

        Assert.Multiple(() =>
        {
            foreach (var name in names)
            {
                var ours = ProgramSections.Find(name);
                var theirs = libbpf[name];
                if (ours is not null && NewerThanLibbpf11.Contains(ours.Pattern))
                {
                    Assert.That(theirs, Is.Null, $"libbpf 1.1 knows '{name}': drop {ours.Pattern} from the skip list");
                    continue;
                }

                if (ours is null)
                {
                    Assert.That(theirs, Is.Null, $"libbpf 1.1 knows '{name}' as {theirs}, we do not");
                    continue;
                }

                Assert.That(theirs, Is.Not.Null, $"libbpf 1.1 does not know '{name}'");
                Assert.That(
                    (theirs!.ProgramType, theirs.AttachType),
                    Is.EqualTo(((uint)ours.ProgramType, (uint)(ours.ExpectedAttachType ?? 0))),
                    $"'{name}' ({ours.Pattern})");
                Assert.That(
                    theirs.AttachableAttachType,
                    Is.EqualTo(ours.IsAttachable ? (uint?)(uint)(ours.ExpectedAttachType ?? 0) : null),
                    $"'{name}' ({ours.Pattern}) attachable");
            }
        });
    }

    [Test]
    public void Libbpf11_TableIsOursWithoutTheNewerRows()
    {
        var (all, attachable) = LibbpfSectionNames.Tables();
        var older = ProgramSections.Definitions.Where(d => !NewerThanLibbpf11.Contains(d.Pattern)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(older.Select(d => d.Pattern), Is.EqualTo(all), "same patterns in the same order");
            Assert.That(older.Where(d => d.IsAttachable).Select(d => d.Pattern), Is.EqualTo(attachable), "same attachable rows");
        });
    }

    /// <summary>One expected match.</summary>
    public sealed record SectionCase(string Name, string Pattern, BpfProgramType ProgramType, BpfAttachType? AttachType, ProgramSectionFlags Flags, string? Target);
}
