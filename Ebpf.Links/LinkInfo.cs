using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// What the kernel reports about a link (<c>struct bpf_link_info</c>): the common fields, and the details of the
/// link's type; details that do not apply to <see cref="Type"/> are null.
/// </summary>
/// <param name="Id">The kernel-wide link id.</param>
/// <param name="Type">The link type.</param>
/// <param name="ProgramId">The id of the attached program.</param>
public sealed record LinkInfo(uint Id, BpfLinkType Type, uint ProgramId)
{
    /// <summary>The attach type (tracing, cgroup, netns, tcx, netkit, sockmap links).</summary>
    public BpfAttachType? AttachType { get; init; }

    /// <summary>The tracepoint (raw tracepoint and perf event tracepoint links), iterator target, or probed function or file (perf event and uprobe_multi links).</summary>
    public string? Name { get; init; }

    /// <summary>The BTF id of the target (tracing links); null where the kernel does not report it (before Linux 5.13).</summary>
    public uint? TargetBtfId { get; init; }

    /// <summary>The id of the target program or BTF object (tracing links); null where the kernel does not report it (before Linux 5.13).</summary>
    public uint? TargetObjectId { get; init; }

    /// <summary>The cgroup id (cgroup links).</summary>
    public ulong? CgroupId { get; init; }

    /// <summary>The network namespace inode number (netns links).</summary>
    public uint? NetnsInode { get; init; }

    /// <summary>The network interface index (XDP, TCX and netkit links).</summary>
    public int? IfIndex { get; init; }

    /// <summary>The map (iterator over a map, struct_ops and sockmap links).</summary>
    public uint? MapId { get; init; }

    /// <summary>
    /// The kind of perf event (perf event links). Null, with the other perf event fields (<see cref="Name"/>,
    /// <see cref="Offset"/>, <see cref="Cookie"/>), when the kernel reports no perf_event link info: kernels before 6.6.
    /// </summary>
    public PerfEventLinkKind? PerfEventKind { get; init; }

    /// <summary>The offset of the probe in the function or file (kprobe and uprobe perf event links).</summary>
    public uint? Offset { get; init; }

    /// <summary>The BPF cookie (perf event links; raw tracepoint links on Linux 6.17+, else 0).</summary>
    public ulong? Cookie { get; init; }

    /// <summary>The file offset of the reference counter, USDT semaphore (uprobe perf event links on Linux 6.13+; 0 for none or before).</summary>
    public ulong? ReferenceCounterOffset { get; init; }

    /// <summary>The number of attach points (kprobe_multi and uprobe_multi links).</summary>
    public uint? Count { get; init; }

    /// <summary>The process filter (uprobe_multi links).</summary>
    public uint? Pid { get; init; }

    /// <summary>The netfilter protocol family, hook, priority and flags (netfilter links).</summary>
    public (uint ProtocolFamily, uint Hook, int Priority, uint Flags)? Netfilter { get; init; }
}
