using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_ITER_CREATE</c> variant of <c>union bpf_attr</c> (<c>iter_create</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
public struct IterCreateAttr
{
    /// <summary><c>link_fd</c>: an iterator link.</summary>
    [FieldOffset(0)] public uint LinkFd;
    /// <summary><c>flags</c> (must be 0).</summary>
    [FieldOffset(4)] public uint Flags;
}
