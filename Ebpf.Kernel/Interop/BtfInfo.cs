using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary><c>struct bpf_btf_info</c>, filled by <c>BPF_OBJ_GET_INFO_BY_FD</c> for a BTF object.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
public struct BtfInfo
{
    /// <summary><c>btf</c>: address of a buffer that receives the raw BTF.</summary>
    [FieldOffset(0)] public ulong Btf;
    /// <summary><c>btf_size</c>: in, the buffer size; out, the BTF size.</summary>
    [FieldOffset(8)] public uint BtfSize;
    /// <summary><c>id</c>.</summary>
    [FieldOffset(12)] public uint Id;
    /// <summary><c>name</c>: address of a buffer that receives the name.</summary>
    [FieldOffset(16)] public ulong Name;
    /// <summary><c>name_len</c>.</summary>
    [FieldOffset(24)] public uint NameLen;
    /// <summary><c>kernel_btf</c>: 1 for vmlinux and module BTF.</summary>
    [FieldOffset(28)] public uint KernelBtf;
}
