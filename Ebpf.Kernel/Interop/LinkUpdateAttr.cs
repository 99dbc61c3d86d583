using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_LINK_UPDATE</c> variant of <c>union bpf_attr</c> (<c>link_update</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct LinkUpdateAttr
{
    /// <summary><c>link_fd</c>.</summary>
    [FieldOffset(0)] public uint LinkFd;
    /// <summary><c>new_prog_fd</c>.</summary>
    [FieldOffset(4)] public uint NewProgFd;
    /// <summary><c>flags</c> (<c>BPF_F_REPLACE</c>).</summary>
    [FieldOffset(8)] public uint Flags;
    /// <summary><c>old_prog_fd</c>: the expected current program, with <c>BPF_F_REPLACE</c>.</summary>
    [FieldOffset(12)] public uint OldProgFd;
}
