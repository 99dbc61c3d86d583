using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_RAW_TRACEPOINT_OPEN</c> variant of <c>union bpf_attr</c> (<c>raw_tracepoint</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
public struct RawTracepointOpenAttr
{
    /// <summary><c>name</c>: address of the NUL-terminated tracepoint name (0 for BTF-typed programs).</summary>
    [FieldOffset(0)] public ulong Name;
    /// <summary><c>prog_fd</c>.</summary>
    [FieldOffset(8)] public uint ProgFd;
    /// <summary><c>cookie</c> (Linux 6.10+): what <c>bpf_get_attach_cookie</c> returns in the program; older kernels need 0.</summary>
    [FieldOffset(16)] public ulong Cookie;
}
