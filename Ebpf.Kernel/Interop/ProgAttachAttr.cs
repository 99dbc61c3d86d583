using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_PROG_ATTACH</c> / <c>BPF_PROG_DETACH</c> variant of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 20)]
public struct ProgAttachAttr
{
    /// <summary><c>target_fd</c>: container to attach to (cgroup, netns, sockmap, ...).</summary>
    [FieldOffset(0)] public uint TargetFd;
    /// <summary><c>attach_bpf_fd</c>: the program.</summary>
    [FieldOffset(4)] public uint AttachBpfFd;
    /// <summary><c>attach_type</c>.</summary>
    [FieldOffset(8)] public BpfAttachType AttachType;
    /// <summary><c>attach_flags</c> (<c>BPF_F_ALLOW_OVERRIDE</c>, <c>BPF_F_ALLOW_MULTI</c>, <c>BPF_F_REPLACE</c>).</summary>
    [FieldOffset(12)] public uint AttachFlags;
    /// <summary><c>replace_bpf_fd</c>: program to replace with <c>BPF_F_REPLACE</c>.</summary>
    [FieldOffset(16)] public uint ReplaceBpfFd;
}
