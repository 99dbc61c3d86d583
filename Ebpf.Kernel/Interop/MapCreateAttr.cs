using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_MAP_CREATE</c> variant of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 80)]
public struct MapCreateAttr
{
    /// <summary><c>map_type</c>.</summary>
    [FieldOffset(0)] public BpfMapType MapType;
    /// <summary><c>key_size</c> in bytes.</summary>
    [FieldOffset(4)] public uint KeySize;
    /// <summary><c>value_size</c> in bytes.</summary>
    [FieldOffset(8)] public uint ValueSize;
    /// <summary><c>max_entries</c>.</summary>
    [FieldOffset(12)] public uint MaxEntries;
    /// <summary><c>map_flags</c>.</summary>
    [FieldOffset(16)] public BpfMapFlags MapFlags;
    /// <summary><c>inner_map_fd</c>: template of a map-in-map's inner maps.</summary>
    [FieldOffset(20)] public uint InnerMapFd;
    /// <summary><c>numa_node</c>, used with <see cref="BpfMapFlags.NumaNode"/>.</summary>
    [FieldOffset(24)] public uint NumaNode;
    /// <summary><c>map_name</c>.</summary>
    [FieldOffset(28)] public BpfObjectName MapName;
    /// <summary><c>map_ifindex</c>: network device to offload to.</summary>
    [FieldOffset(44)] public uint MapIfIndex;
    /// <summary><c>btf_fd</c>: BTF describing key and value.</summary>
    [FieldOffset(48)] public uint BtfFd;
    /// <summary><c>btf_key_type_id</c>.</summary>
    [FieldOffset(52)] public uint BtfKeyTypeId;
    /// <summary><c>btf_value_type_id</c>.</summary>
    [FieldOffset(56)] public uint BtfValueTypeId;
    /// <summary><c>btf_vmlinux_value_type_id</c>: kernel struct stored as the value (struct_ops).</summary>
    [FieldOffset(60)] public uint BtfVmlinuxValueTypeId;
    /// <summary><c>map_extra</c>: per-type extra (bloom filter hash count, arena address).</summary>
    [FieldOffset(64)] public ulong MapExtra;
    /// <summary><c>value_type_btf_obj_fd</c> (Linux 6.9+): module BTF holding <see cref="BtfVmlinuxValueTypeId"/>, read with <c>BPF_F_VTYPE_BTF_OBJ_FD</c>.</summary>
    [FieldOffset(72)] public int ValueTypeBtfObjFd;
    /// <summary><c>map_token_fd</c> (Linux 6.9+): the BPF token the creation uses, read with <see cref="BpfMapFlags.TokenFd"/>.</summary>
    [FieldOffset(76)] public int MapTokenFd;
}
