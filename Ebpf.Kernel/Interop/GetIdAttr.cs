using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_*_GET_NEXT_ID</c> / <c>BPF_*_GET_FD_BY_ID</c> variant of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
public struct GetIdAttr
{
    /// <summary><c>start_id</c>: the id to continue after (<c>GET_NEXT_ID</c>).</summary>
    [FieldOffset(0)] public uint StartId;
    /// <summary><c>prog_id</c> / <c>map_id</c> / <c>btf_id</c> / <c>link_id</c>: the object to open (<c>GET_FD_BY_ID</c>; same slot as <see cref="StartId"/>).</summary>
    [FieldOffset(0)] public uint Id;
    /// <summary><c>next_id</c> (output of <c>GET_NEXT_ID</c>).</summary>
    [FieldOffset(4)] public uint NextId;
    /// <summary><c>open_flags</c>: <c>BPF_F_RDONLY</c> / <c>BPF_F_WRONLY</c> for maps.</summary>
    [FieldOffset(8)] public uint OpenFlags;
}
