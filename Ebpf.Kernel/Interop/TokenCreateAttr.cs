using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_TOKEN_CREATE</c> variant of <c>union bpf_attr</c> (Linux 6.9+).</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
public struct TokenCreateAttr
{
    /// <summary><c>flags</c>: none are defined; must be 0.</summary>
    [FieldOffset(0)] public uint Flags;
    /// <summary><c>bpffs_fd</c>: the root of a bpffs mount with delegation options, opened as an ordinary (not <c>O_PATH</c>) descriptor.</summary>
    [FieldOffset(4)] public uint BpffsFd;
}
