using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_OBJ_PIN</c> / <c>BPF_OBJ_GET</c> variant of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct ObjAttr
{
    /// <summary><c>pathname</c>: address of a NUL-terminated path on a bpffs.</summary>
    [FieldOffset(0)] public ulong Pathname;
    /// <summary><c>bpf_fd</c>: the object to pin (0 for <c>BPF_OBJ_GET</c>).</summary>
    [FieldOffset(8)] public uint BpfFd;
    /// <summary><c>file_flags</c>: <c>BPF_F_RDONLY</c> / <c>BPF_F_WRONLY</c> for <c>BPF_OBJ_GET</c>.</summary>
    [FieldOffset(12)] public uint FileFlags;
}
