using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>
/// The <c>BPF_LINK_CREATE</c> variant of <c>union bpf_attr</c> (<c>link_create</c>). The fields from offset 16
/// overlay each other: set only those of the attach type's union member.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
public struct LinkCreateAttr
{
    /// <summary><c>prog_fd</c>.</summary>
    [FieldOffset(0)] public uint ProgFd;
    /// <summary><c>target_fd</c>: object to attach to.</summary>
    [FieldOffset(4)] public uint TargetFd;
    /// <summary><c>target_ifindex</c> (same slot as <see cref="TargetFd"/>).</summary>
    [FieldOffset(4)] public uint TargetIfIndex;
    /// <summary><c>attach_type</c>.</summary>
    [FieldOffset(8)] public BpfAttachType AttachType;
    /// <summary><c>flags</c>.</summary>
    [FieldOffset(12)] public uint Flags;

    /// <summary><c>target_btf_id</c>.</summary>
    [FieldOffset(16)] public uint TargetBtfId;
    /// <summary><c>iter_info</c>: address of a <c>bpf_iter_link_info</c>.</summary>
    [FieldOffset(16)] public ulong IterInfo;
    /// <summary><c>iter_info_len</c>.</summary>
    [FieldOffset(24)] public uint IterInfoLen;
    /// <summary><c>perf_event.bpf_cookie</c>.</summary>
    [FieldOffset(16)] public ulong PerfEventBpfCookie;
    /// <summary><c>kprobe_multi.flags</c> (<c>BPF_F_KPROBE_MULTI_RETURN</c>).</summary>
    [FieldOffset(16)] public uint KprobeMultiFlags;
    /// <summary><c>kprobe_multi.cnt</c>.</summary>
    [FieldOffset(20)] public uint KprobeMultiCnt;
    /// <summary><c>kprobe_multi.syms</c>: address of an array of symbol name pointers.</summary>
    [FieldOffset(24)] public ulong KprobeMultiSyms;
    /// <summary><c>kprobe_multi.addrs</c>: address of an array of addresses.</summary>
    [FieldOffset(32)] public ulong KprobeMultiAddrs;
    /// <summary><c>kprobe_multi.cookies</c>: address of an array of cookies.</summary>
    [FieldOffset(40)] public ulong KprobeMultiCookies;
    /// <summary><c>tracing.cookie</c> (the target BTF id is <see cref="TargetBtfId"/>).</summary>
    [FieldOffset(24)] public ulong TracingCookie;

    /// <summary><c>netfilter.pf</c> (Linux 6.4+).</summary>
    [FieldOffset(16)] public uint NetfilterPf;
    /// <summary><c>netfilter.hooknum</c> (Linux 6.4+).</summary>
    [FieldOffset(20)] public uint NetfilterHooknum;
    /// <summary><c>netfilter.priority</c> (Linux 6.4+).</summary>
    [FieldOffset(24)] public int NetfilterPriority;
    /// <summary><c>netfilter.flags</c> (Linux 6.4+).</summary>
    [FieldOffset(28)] public uint NetfilterFlags;
    /// <summary><c>tcx.relative_fd</c> / <c>netkit.relative_fd</c> / <c>relative_id</c> (Linux 6.6+).</summary>
    [FieldOffset(16)] public uint RelativeFdOrId;
    /// <summary><c>tcx.expected_revision</c> / <c>netkit.expected_revision</c> (Linux 6.6+).</summary>
    [FieldOffset(24)] public ulong ExpectedRevision;
    /// <summary><c>uprobe_multi.path</c>: address of the binary's NUL-terminated path (Linux 6.6+).</summary>
    [FieldOffset(16)] public ulong UprobeMultiPath;
    /// <summary><c>uprobe_multi.offsets</c> (Linux 6.6+).</summary>
    [FieldOffset(24)] public ulong UprobeMultiOffsets;
    /// <summary><c>uprobe_multi.ref_ctr_offsets</c> (Linux 6.6+).</summary>
    [FieldOffset(32)] public ulong UprobeMultiRefCtrOffsets;
    /// <summary><c>uprobe_multi.cookies</c> (Linux 6.6+).</summary>
    [FieldOffset(40)] public ulong UprobeMultiCookies;
    /// <summary><c>uprobe_multi.cnt</c> (Linux 6.6+).</summary>
    [FieldOffset(48)] public uint UprobeMultiCnt;
    /// <summary><c>uprobe_multi.flags</c> (Linux 6.6+).</summary>
    [FieldOffset(52)] public uint UprobeMultiFlags;
    /// <summary><c>uprobe_multi.pid</c> (Linux 6.6+).</summary>
    [FieldOffset(56)] public uint UprobeMultiPid;
}
