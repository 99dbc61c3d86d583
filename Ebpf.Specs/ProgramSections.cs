using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Ebpf.Specs;

/// <summary>
/// The ELF section name table of libbpf 1.x (<c>section_defs[]</c> in libbpf.c): which program type, expected
/// attach type and load flags a <c>SEC("...")</c> name gives a program.
/// </summary>
/// <remarks>
/// Matching is strict, as in libbpf 1.x: <c>xdp_foo</c> or <c>socket_foo</c> match nothing, and targets only
/// follow a <c>/</c> after a <c>+</c> pattern. The first matching row wins, in libbpf's order.
/// </remarks>
public static class ProgramSections
{
    private const ProgramSectionFlags None = ProgramSectionFlags.None;
    private const ProgramSectionFlags Attachable = ProgramSectionFlags.Attachable;
    private const ProgramSectionFlags AttachableOptional = ProgramSectionFlags.Attachable | ProgramSectionFlags.ExpectedAttachTypeOptional;
    private const ProgramSectionFlags AttachBtf = ProgramSectionFlags.AttachBtf;
    private const ProgramSectionFlags Sleepable = ProgramSectionFlags.Sleepable;
    private const ProgramSectionFlags SleepableBtf = ProgramSectionFlags.AttachBtf | ProgramSectionFlags.Sleepable;
    private const ProgramSectionFlags XdpFrags = ProgramSectionFlags.XdpFrags;
    private const ProgramSectionFlags Usdt = ProgramSectionFlags.Usdt;

    private static readonly ProgramSectionDefinition[] Table =
    [
        Row("socket", BpfProgramType.SocketFilter, null, None),
        Row("sk_reuseport/migrate", BpfProgramType.SkReuseport, BpfAttachType.SkReuseportSelectOrMigrate, Attachable),
        Row("sk_reuseport", BpfProgramType.SkReuseport, BpfAttachType.SkReuseportSelect, Attachable),
        Row("kprobe+", BpfProgramType.Kprobe, null, None),
        Row("uprobe+", BpfProgramType.Kprobe, null, None),
        Row("uprobe.s+", BpfProgramType.Kprobe, null, Sleepable),
        Row("kretprobe+", BpfProgramType.Kprobe, null, None),
        Row("uretprobe+", BpfProgramType.Kprobe, null, None),
        Row("uretprobe.s+", BpfProgramType.Kprobe, null, Sleepable),
        Row("kprobe.multi+", BpfProgramType.Kprobe, BpfAttachType.TraceKprobeMulti, None),
        Row("kretprobe.multi+", BpfProgramType.Kprobe, BpfAttachType.TraceKprobeMulti, None),
        Row("kprobe.session+", BpfProgramType.Kprobe, BpfAttachType.TraceKprobeSession, None),
        Row("uprobe.multi+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti, None),
        Row("uretprobe.multi+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti, None),
        Row("uprobe.session+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeSession, None),
        Row("uprobe.multi.s+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti, Sleepable),
        Row("uretprobe.multi.s+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti, Sleepable),
        Row("uprobe.session.s+", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeSession, Sleepable),
        Row("ksyscall+", BpfProgramType.Kprobe, null, None),
        Row("kretsyscall+", BpfProgramType.Kprobe, null, None),
        Row("usdt+", BpfProgramType.Kprobe, null, Usdt),
        Row("usdt.s+", BpfProgramType.Kprobe, null, Usdt | Sleepable),
        Row("tc/ingress", BpfProgramType.SchedCls, BpfAttachType.TcxIngress, None),
        Row("tc/egress", BpfProgramType.SchedCls, BpfAttachType.TcxEgress, None),
        Row("tcx/ingress", BpfProgramType.SchedCls, BpfAttachType.TcxIngress, None),
        Row("tcx/egress", BpfProgramType.SchedCls, BpfAttachType.TcxEgress, None),
        Row("tc", BpfProgramType.SchedCls, null, None),
        Row("classifier", BpfProgramType.SchedCls, null, None),
        Row("action", BpfProgramType.SchedAct, null, None),
        Row("netkit/primary", BpfProgramType.SchedCls, BpfAttachType.NetkitPrimary, None),
        Row("netkit/peer", BpfProgramType.SchedCls, BpfAttachType.NetkitPeer, None),
        Row("tracepoint+", BpfProgramType.Tracepoint, null, None),
        Row("tp+", BpfProgramType.Tracepoint, null, None),
        Row("raw_tracepoint+", BpfProgramType.RawTracepoint, null, None),
        Row("raw_tp+", BpfProgramType.RawTracepoint, null, None),
        Row("raw_tracepoint.w+", BpfProgramType.RawTracepointWritable, null, None),
        Row("raw_tp.w+", BpfProgramType.RawTracepointWritable, null, None),
        Row("tp_btf+", BpfProgramType.Tracing, BpfAttachType.TraceRawTp, AttachBtf),
        Row("fentry+", BpfProgramType.Tracing, BpfAttachType.TraceFentry, AttachBtf),
        Row("fmod_ret+", BpfProgramType.Tracing, BpfAttachType.ModifyReturn, AttachBtf),
        Row("fexit+", BpfProgramType.Tracing, BpfAttachType.TraceFexit, AttachBtf),
        Row("fentry.s+", BpfProgramType.Tracing, BpfAttachType.TraceFentry, SleepableBtf),
        Row("fmod_ret.s+", BpfProgramType.Tracing, BpfAttachType.ModifyReturn, SleepableBtf),
        Row("fexit.s+", BpfProgramType.Tracing, BpfAttachType.TraceFexit, SleepableBtf),
        Row("freplace+", BpfProgramType.Ext, null, AttachBtf),
        Row("lsm+", BpfProgramType.Lsm, BpfAttachType.LsmMac, AttachBtf),
        Row("lsm.s+", BpfProgramType.Lsm, BpfAttachType.LsmMac, SleepableBtf),
        Row("lsm_cgroup+", BpfProgramType.Lsm, BpfAttachType.LsmCgroup, AttachBtf),
        Row("iter+", BpfProgramType.Tracing, BpfAttachType.TraceIter, AttachBtf),
        Row("iter.s+", BpfProgramType.Tracing, BpfAttachType.TraceIter, SleepableBtf),
        Row("syscall", BpfProgramType.Syscall, null, Sleepable),
        Row("xdp.frags/devmap", BpfProgramType.Xdp, BpfAttachType.XdpDevmap, XdpFrags),
        Row("xdp/devmap", BpfProgramType.Xdp, BpfAttachType.XdpDevmap, Attachable),
        Row("xdp.frags/cpumap", BpfProgramType.Xdp, BpfAttachType.XdpCpumap, XdpFrags),
        Row("xdp/cpumap", BpfProgramType.Xdp, BpfAttachType.XdpCpumap, Attachable),
        Row("xdp.frags", BpfProgramType.Xdp, BpfAttachType.Xdp, XdpFrags),
        Row("xdp", BpfProgramType.Xdp, BpfAttachType.Xdp, AttachableOptional),
        Row("perf_event", BpfProgramType.PerfEvent, null, None),
        Row("lwt_in", BpfProgramType.LwtIn, null, None),
        Row("lwt_out", BpfProgramType.LwtOut, null, None),
        Row("lwt_xmit", BpfProgramType.LwtXmit, null, None),
        Row("lwt_seg6local", BpfProgramType.LwtSeg6local, null, None),
        Row("sockops", BpfProgramType.SockOps, BpfAttachType.CgroupSockOps, AttachableOptional),
        Row("sk_skb/stream_parser", BpfProgramType.SkSkb, BpfAttachType.SkSkbStreamParser, AttachableOptional),
        Row("sk_skb/stream_verdict", BpfProgramType.SkSkb, BpfAttachType.SkSkbStreamVerdict, AttachableOptional),
        Row("sk_skb/verdict", BpfProgramType.SkSkb, BpfAttachType.SkSkbVerdict, AttachableOptional),
        Row("sk_skb", BpfProgramType.SkSkb, null, None),
        Row("sk_msg", BpfProgramType.SkMsg, BpfAttachType.SkMsgVerdict, AttachableOptional),
        Row("lirc_mode2", BpfProgramType.LircMode2, BpfAttachType.LircMode2, AttachableOptional),
        Row("flow_dissector", BpfProgramType.FlowDissector, BpfAttachType.FlowDissector, AttachableOptional),
        Row("cgroup_skb/ingress", BpfProgramType.CgroupSkb, BpfAttachType.CgroupInetIngress, AttachableOptional),
        Row("cgroup_skb/egress", BpfProgramType.CgroupSkb, BpfAttachType.CgroupInetEgress, AttachableOptional),
        Row("cgroup/skb", BpfProgramType.CgroupSkb, null, None),
        Row("cgroup/sock_create", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockCreate, Attachable),
        Row("cgroup/sock_release", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockRelease, Attachable),
        Row("cgroup/sock", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockCreate, AttachableOptional),
        Row("cgroup/post_bind4", BpfProgramType.CgroupSock, BpfAttachType.CgroupInet4PostBind, Attachable),
        Row("cgroup/post_bind6", BpfProgramType.CgroupSock, BpfAttachType.CgroupInet6PostBind, Attachable),
        Row("cgroup/bind4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Bind, Attachable),
        Row("cgroup/bind6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Bind, Attachable),
        Row("cgroup/connect4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Connect, Attachable),
        Row("cgroup/connect6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Connect, Attachable),
        Row("cgroup/connect_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixConnect, Attachable),
        Row("cgroup/sendmsg4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp4Sendmsg, Attachable),
        Row("cgroup/sendmsg6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp6Sendmsg, Attachable),
        Row("cgroup/sendmsg_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixSendmsg, Attachable),
        Row("cgroup/recvmsg4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp4Recvmsg, Attachable),
        Row("cgroup/recvmsg6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp6Recvmsg, Attachable),
        Row("cgroup/recvmsg_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixRecvmsg, Attachable),
        Row("cgroup/getpeername4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Getpeername, Attachable),
        Row("cgroup/getpeername6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Getpeername, Attachable),
        Row("cgroup/getpeername_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixGetpeername, Attachable),
        Row("cgroup/getsockname4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Getsockname, Attachable),
        Row("cgroup/getsockname6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Getsockname, Attachable),
        Row("cgroup/getsockname_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixGetsockname, Attachable),
        Row("cgroup/sysctl", BpfProgramType.CgroupSysctl, BpfAttachType.CgroupSysctl, Attachable),
        Row("cgroup/getsockopt", BpfProgramType.CgroupSockopt, BpfAttachType.CgroupGetsockopt, Attachable),
        Row("cgroup/setsockopt", BpfProgramType.CgroupSockopt, BpfAttachType.CgroupSetsockopt, Attachable),
        Row("cgroup/dev", BpfProgramType.CgroupDevice, BpfAttachType.CgroupDevice, AttachableOptional),
        Row("struct_ops+", BpfProgramType.StructOps, null, None),
        Row("struct_ops.s+", BpfProgramType.StructOps, null, Sleepable),
        Row("sk_lookup", BpfProgramType.SkLookup, BpfAttachType.SkLookup, Attachable),
        Row("netfilter", BpfProgramType.Netfilter, BpfAttachType.Netfilter, None),
    ];

    /// <summary>Every definition, in libbpf's order (the order they are tried in).</summary>
    public static IReadOnlyList<ProgramSectionDefinition> Definitions { get; } = new ReadOnlyCollection<ProgramSectionDefinition>(Table);

    /// <summary>
    /// Finds the definition a section name matches, as libbpf's <c>libbpf_prog_type_by_name</c> does: a leading
    /// <c>?</c> is not special here. Allocates nothing.
    /// </summary>
    /// <param name="sectionName">The section name.</param>
    /// <returns>The first matching definition, or <see langword="null"/> for an unknown name.</returns>
    public static ProgramSectionDefinition? Find(ReadOnlySpan<char> sectionName)
    {
        foreach (var definition in Table)
        {
            if (definition.Matches(sectionName))
            {
                return definition;
            }
        }

        return null;
    }

    /// <summary>
    /// Matches the section name of a program: a leading <c>?</c> (load only when asked) is stripped and reported,
    /// then the first matching definition and the attach target it names are returned.
    /// </summary>
    /// <param name="sectionName">The ELF section name, such as <c>kprobe/do_sys_open</c> or <c>?xdp</c>.</param>
    /// <returns>The match, or <see langword="null"/> when no definition accepts the name.</returns>
    public static ProgramSectionMatch? Match(string sectionName) => TryMatch(sectionName, out var match) ? match : null;

    /// <summary>Matches the section name of a program; see <see cref="Match(string)"/>.</summary>
    /// <param name="sectionName">The ELF section name.</param>
    /// <param name="match">The match, when there is one.</param>
    /// <returns>Whether a definition accepts the name.</returns>
    public static bool TryMatch(string sectionName, [NotNullWhen(true)] out ProgramSectionMatch? match)
    {
        ArgumentNullException.ThrowIfNull(sectionName);
        match = null;
        bool autoload = !sectionName.StartsWith('?');
        ReadOnlySpan<char> name = autoload ? sectionName : sectionName.AsSpan(1);
        foreach (var definition in Table)
        {
            if (definition.TryMatch(name, out var target, out bool hasTarget))
            {
                string stripped = autoload ? sectionName : name.ToString();
                match = new ProgramSectionMatch(definition, stripped, hasTarget ? target.ToString() : null, autoload);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The definition an unrecognized section name most likely meant: the one whose name (<see cref="ProgramSectionDefinition.Prefix"/>)
    /// is the longest start of <paramref name="sectionName"/>. <c>socket1</c> gives <c>socket</c>, <c>xdp/lo</c> gives
    /// <c>xdp</c>, <c>classifier/ingress</c> gives <c>classifier</c>, <c>perf_event/type=1</c> gives <c>perf_event</c>.
    /// </summary>
    /// <param name="sectionName">An ELF section name, with or without a leading <c>?</c>.</param>
    /// <returns>The closest definition, or <see langword="null"/> when no definition's name starts <paramref name="sectionName"/>.</returns>
    public static ProgramSectionDefinition? Closest(string sectionName)
    {
        ArgumentNullException.ThrowIfNull(sectionName);
        ReadOnlySpan<char> name = sectionName.StartsWith('?') ? sectionName.AsSpan(1) : sectionName;
        ProgramSectionDefinition? closest = null;
        foreach (var definition in Table)
        {
            if (name.StartsWith(definition.Prefix, StringComparison.Ordinal) && definition.Prefix.Length > (closest?.Prefix.Length ?? 0))
            {
                closest = definition;
            }
        }

        return closest;
    }

    private static ProgramSectionDefinition Row(string pattern, BpfProgramType programType, BpfAttachType? expectedAttachType, ProgramSectionFlags flags) =>
        new(pattern, programType, expectedAttachType, flags);
}
