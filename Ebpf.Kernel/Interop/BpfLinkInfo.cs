using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>
/// <c>struct bpf_link_info</c>, the <c>BPF_OBJ_GET_INFO_BY_FD</c> result for a link. The fields from offset 16
/// overlay each other: read those of <see cref="Type"/>'s union member. Name buffers (<see cref="NameBuffer"/>) are
/// filled only when the caller sets their address and length before the call.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
public struct BpfLinkInfo
{
    /// <summary><c>type</c> (<c>BPF_LINK_TYPE_*</c>).</summary>
    [FieldOffset(0)] public BpfLinkType Type;
    /// <summary><c>id</c>.</summary>
    [FieldOffset(4)] public uint Id;
    /// <summary><c>prog_id</c>.</summary>
    [FieldOffset(8)] public uint ProgId;

    /// <summary><c>raw_tracepoint.tp_name</c> / <c>iter.target_name</c>: address of a buffer for the name.</summary>
    [FieldOffset(16)] public ulong NameBuffer;
    /// <summary><c>raw_tracepoint.tp_name_len</c> / <c>iter.target_name_len</c>: buffer size in, name size out.</summary>
    [FieldOffset(24)] public uint NameBufferLen;
    /// <summary><c>iter.map.map_id</c>.</summary>
    [FieldOffset(28)] public uint IterMapId;
    /// <summary><c>raw_tracepoint.cookie</c> (Linux 6.17+; 0 before).</summary>
    [FieldOffset(32)] public ulong RawTracepointCookie;

    /// <summary><c>tracing.attach_type</c>.</summary>
    [FieldOffset(16)] public BpfAttachType TracingAttachType;
    /// <summary><c>tracing.target_obj_id</c>: the program (freplace) or BTF object of the target.</summary>
    [FieldOffset(20)] public uint TracingTargetObjId;
    /// <summary><c>tracing.target_btf_id</c>.</summary>
    [FieldOffset(24)] public uint TracingTargetBtfId;

    /// <summary><c>cgroup.cgroup_id</c>.</summary>
    [FieldOffset(16)] public ulong CgroupId;
    /// <summary><c>cgroup.attach_type</c>.</summary>
    [FieldOffset(24)] public BpfAttachType CgroupAttachType;

    /// <summary><c>netns.netns_ino</c>.</summary>
    [FieldOffset(16)] public uint NetnsIno;
    /// <summary><c>netns.attach_type</c>.</summary>
    [FieldOffset(20)] public BpfAttachType NetnsAttachType;

    /// <summary><c>xdp.ifindex</c> / <c>tcx.ifindex</c> / <c>netkit.ifindex</c>.</summary>
    [FieldOffset(16)] public uint IfIndex;
    /// <summary><c>tcx.attach_type</c> / <c>netkit.attach_type</c>.</summary>
    [FieldOffset(20)] public BpfAttachType DeviceAttachType;

    /// <summary><c>struct_ops.map_id</c> / <c>sockmap.map_id</c>.</summary>
    [FieldOffset(16)] public uint MapId;
    /// <summary><c>sockmap.attach_type</c>.</summary>
    [FieldOffset(20)] public BpfAttachType SockmapAttachType;

    /// <summary><c>netfilter.pf</c>.</summary>
    [FieldOffset(16)] public uint NetfilterPf;
    /// <summary><c>netfilter.hooknum</c>.</summary>
    [FieldOffset(20)] public uint NetfilterHooknum;
    /// <summary><c>netfilter.priority</c>.</summary>
    [FieldOffset(24)] public int NetfilterPriority;
    /// <summary><c>netfilter.flags</c>.</summary>
    [FieldOffset(28)] public uint NetfilterFlags;

    /// <summary><c>kprobe_multi.addrs</c>.</summary>
    [FieldOffset(16)] public ulong KprobeMultiAddrs;
    /// <summary><c>kprobe_multi.count</c>.</summary>
    [FieldOffset(24)] public uint KprobeMultiCount;
    /// <summary><c>kprobe_multi.flags</c>.</summary>
    [FieldOffset(28)] public uint KprobeMultiFlags;
    /// <summary><c>kprobe_multi.missed</c>.</summary>
    [FieldOffset(32)] public ulong KprobeMultiMissed;

    /// <summary><c>uprobe_multi.path</c>: address of a buffer for the binary's path.</summary>
    [FieldOffset(16)] public ulong UprobeMultiPath;
    /// <summary><c>uprobe_multi.path_size</c>.</summary>
    [FieldOffset(48)] public uint UprobeMultiPathSize;
    /// <summary><c>uprobe_multi.count</c>.</summary>
    [FieldOffset(52)] public uint UprobeMultiCount;
    /// <summary><c>uprobe_multi.flags</c>.</summary>
    [FieldOffset(56)] public uint UprobeMultiFlags;
    /// <summary><c>uprobe_multi.pid</c>.</summary>
    [FieldOffset(60)] public uint UprobeMultiPid;

    /// <summary><c>perf_event.type</c> (<c>BPF_PERF_EVENT_*</c>: 1 uprobe, 2 uretprobe, 3 kprobe, 4 kretprobe, 5 tracepoint, 6 event).</summary>
    [FieldOffset(16)] public uint PerfEventType;
    /// <summary><c>perf_event.{uprobe.file_name, kprobe.func_name, tracepoint.tp_name}</c>: address of a name buffer; <c>event.config</c>.</summary>
    [FieldOffset(24)] public ulong PerfEventName;
    /// <summary><c>perf_event.*.name_len</c>: buffer size in, name size out; <c>event.type</c>.</summary>
    [FieldOffset(32)] public uint PerfEventNameLen;
    /// <summary><c>perf_event.uprobe.offset</c> / <c>kprobe.offset</c>.</summary>
    [FieldOffset(36)] public uint PerfEventOffset;
    /// <summary><c>perf_event.{uprobe,tracepoint,event}.cookie</c>.</summary>
    [FieldOffset(40)] public ulong PerfEventCookie;
    /// <summary><c>perf_event.kprobe.addr</c> (same slot as <see cref="PerfEventCookie"/>).</summary>
    [FieldOffset(40)] public ulong PerfEventKprobeAddr;
    /// <summary><c>perf_event.uprobe.ref_ctr_offset</c> (Linux 6.13+; 0 before): the file offset of the reference counter (USDT semaphore).</summary>
    [FieldOffset(48)] public ulong PerfEventUprobeRefCtrOffset;
    /// <summary><c>perf_event.kprobe.missed</c>.</summary>
    [FieldOffset(48)] public ulong PerfEventKprobeMissed;
    /// <summary><c>perf_event.kprobe.cookie</c>.</summary>
    [FieldOffset(56)] public ulong PerfEventKprobeCookie;
}
