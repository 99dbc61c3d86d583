using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_OBJ_GET_INFO_BY_FD</c> variant of <c>union bpf_attr</c> (<c>info</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct ObjGetInfoAttr
{
    /// <summary><c>bpf_fd</c>: the program, map, link or BTF object.</summary>
    [FieldOffset(0)] public uint BpfFd;
    /// <summary><c>info_len</c>: in, the size of the info buffer; out, the bytes the kernel filled.</summary>
    [FieldOffset(4)] public uint InfoLen;
    /// <summary><c>info</c>: address of a <see cref="ProgInfo"/>, <see cref="MapInfo"/>, <see cref="BtfInfo"/> or link info buffer.</summary>
    [FieldOffset(8)] public ulong Info;
}
