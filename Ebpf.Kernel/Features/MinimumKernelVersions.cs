using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>The first Linux version that has each map type, program type and map flag, for feature messages.</summary>
internal static class MinimumKernelVersions
{
    /// <summary>The first version with <paramref name="type"/>, or null when unknown.</summary>
    public static string? Of(BpfMapType type) => type switch
    {
        BpfMapType.Hash or BpfMapType.Array => "3.19",
        BpfMapType.ProgArray => "4.2",
        BpfMapType.PerfEventArray => "4.3",
        BpfMapType.PercpuHash or BpfMapType.PercpuArray or BpfMapType.StackTrace => "4.6",
        BpfMapType.CgroupArray => "4.8",
        BpfMapType.LruHash or BpfMapType.LruPercpuHash => "4.10",
        BpfMapType.LpmTrie => "4.11",
        BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps => "4.12",
        BpfMapType.Devmap or BpfMapType.Sockmap => "4.14",
        BpfMapType.Cpumap => "4.15",
        BpfMapType.Xskmap or BpfMapType.Sockhash => "4.18",
        BpfMapType.CgroupStorage or BpfMapType.ReuseportSockarray => "4.19",
        BpfMapType.PercpuCgroupStorage or BpfMapType.Queue or BpfMapType.Stack => "4.20",
        BpfMapType.SkStorage => "5.2",
        BpfMapType.DevmapHash => "5.4",
        BpfMapType.StructOps => "5.6",
        BpfMapType.Ringbuf => "5.8",
        BpfMapType.InodeStorage => "5.10",
        BpfMapType.TaskStorage => "5.11",
        BpfMapType.BloomFilter => "5.16",
        BpfMapType.UserRingbuf => "6.1",
        BpfMapType.CgrpStorage => "6.2",
        BpfMapType.Arena => "6.9",
        _ => null,
    };

    /// <summary>The first version with <paramref name="type"/>, or null when unknown.</summary>
    public static string? Of(BpfProgramType type) => type switch
    {
        BpfProgramType.SocketFilter => "3.19",
        BpfProgramType.Kprobe or BpfProgramType.SchedCls or BpfProgramType.SchedAct => "4.1",
        BpfProgramType.Tracepoint => "4.7",
        BpfProgramType.Xdp => "4.8",
        BpfProgramType.PerfEvent => "4.9",
        BpfProgramType.CgroupSkb or BpfProgramType.CgroupSock or BpfProgramType.LwtIn or BpfProgramType.LwtOut
            or BpfProgramType.LwtXmit => "4.10",
        BpfProgramType.SockOps => "4.13",
        BpfProgramType.SkSkb => "4.14",
        BpfProgramType.CgroupDevice => "4.15",
        BpfProgramType.SkMsg or BpfProgramType.RawTracepoint or BpfProgramType.CgroupSockAddr => "4.17",
        BpfProgramType.LwtSeg6local or BpfProgramType.LircMode2 => "4.18",
        BpfProgramType.SkReuseport => "4.19",
        BpfProgramType.FlowDissector => "4.20",
        BpfProgramType.CgroupSysctl or BpfProgramType.RawTracepointWritable => "5.2",
        BpfProgramType.CgroupSockopt => "5.3",
        BpfProgramType.Tracing => "5.5",
        BpfProgramType.StructOps or BpfProgramType.Ext => "5.6",
        BpfProgramType.Lsm => "5.7",
        BpfProgramType.SkLookup => "5.9",
        BpfProgramType.Syscall => "5.14",
        BpfProgramType.Netfilter => "6.4",
        _ => null,
    };

    /// <summary>The first version with BPF tokens (<c>BPF_TOKEN_CREATE</c>, <c>BPF_F_TOKEN_FD</c>).</summary>
    public const string BpfToken = "6.9";

    /// <summary>The first version with <paramref name="flag"/>, or null when unknown.</summary>
    public static string? Of(BpfMapFlags flag) => flag switch
    {
        BpfMapFlags.NoPrealloc => "4.6",
        BpfMapFlags.NoCommonLru => "4.10",
        BpfMapFlags.NumaNode => "4.14",
        BpfMapFlags.Rdonly or BpfMapFlags.Wronly => "4.15",
        BpfMapFlags.StackBuildId => "4.18",
        BpfMapFlags.ZeroSeed => "5.0",
        BpfMapFlags.RdonlyProg or BpfMapFlags.WronlyProg => "5.2",
        BpfMapFlags.Clone => "5.4",
        BpfMapFlags.Mmapable => "5.5",
        BpfMapFlags.PreserveElems or BpfMapFlags.InnerMap => "5.10",
        BpfMapFlags.Link => "6.4",
        BpfMapFlags.SegvOnFault or BpfMapFlags.NoUserConv or BpfMapFlags.TokenFd => "6.9",
        _ => null,
    };

    /// <summary>
    /// The first version whose maps of <paramref name="type"/> take the element or batch command
    /// <paramref name="command"/>, or null when unknown or no version does. Older kernels answer ENOTSUPP.
    /// </summary>
    public static string? Of(BpfCommand command, BpfMapType type) => (command, type) switch
    {
        (BpfCommand.MapLookupAndDeleteElem, BpfMapType.Queue or BpfMapType.Stack) => "4.20",
        (BpfCommand.MapLookupAndDeleteElem, BpfMapType.Hash or BpfMapType.PercpuHash or BpfMapType.LruHash or BpfMapType.LruPercpuHash) => "5.14",
        (BpfCommand.MapLookupBatch or BpfCommand.MapLookupAndDeleteBatch or BpfCommand.MapUpdateBatch or BpfCommand.MapDeleteBatch,
            BpfMapType.Hash or BpfMapType.PercpuHash or BpfMapType.LruHash or BpfMapType.LruPercpuHash) => "5.6",
        (BpfCommand.MapLookupBatch or BpfCommand.MapUpdateBatch, BpfMapType.Array) => "5.6",
        (BpfCommand.MapLookupBatch or BpfCommand.MapUpdateBatch, BpfMapType.PercpuArray) => "5.13",
        _ => null,
    };
}
