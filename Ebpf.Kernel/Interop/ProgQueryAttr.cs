using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_PROG_QUERY</c> variant of <c>union bpf_attr</c> (<c>query</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
public struct ProgQueryAttr
{
    /// <summary><c>target_fd</c>: container to query.</summary>
    [FieldOffset(0)] public uint TargetFd;
    /// <summary><c>attach_type</c>.</summary>
    [FieldOffset(4)] public BpfAttachType AttachType;
    /// <summary><c>query_flags</c> (<c>BPF_F_QUERY_EFFECTIVE</c>).</summary>
    [FieldOffset(8)] public uint QueryFlags;
    /// <summary><c>attach_flags</c> (output).</summary>
    [FieldOffset(12)] public uint AttachFlags;
    /// <summary><c>prog_ids</c>: address of a <c>u32</c> array that receives the program ids.</summary>
    [FieldOffset(16)] public ulong ProgIds;
    /// <summary><c>prog_cnt</c>: in, the capacity of <see cref="ProgIds"/>; out, the number of programs.</summary>
    [FieldOffset(24)] public uint ProgCnt;
    /// <summary><c>prog_attach_flags</c>: address of a <c>u32</c> array that receives per-program attach flags.</summary>
    [FieldOffset(32)] public ulong ProgAttachFlags;
}
