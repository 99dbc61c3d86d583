using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_LINK_DETACH</c> variant of <c>union bpf_attr</c> (<c>link_detach</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 4)]
public struct LinkDetachAttr
{
    /// <summary><c>link_fd</c>.</summary>
    [FieldOffset(0)] public uint LinkFd;
}
