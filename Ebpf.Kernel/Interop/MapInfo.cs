using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary><c>struct bpf_map_info</c>, filled by <c>BPF_OBJ_GET_INFO_BY_FD</c> for a map.</summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
public struct MapInfo
{
    /// <summary><c>type</c>.</summary>
    [FieldOffset(0)] public BpfMapType Type;
    /// <summary><c>id</c>.</summary>
    [FieldOffset(4)] public uint Id;
    /// <summary><c>key_size</c>.</summary>
    [FieldOffset(8)] public uint KeySize;
    /// <summary><c>value_size</c>.</summary>
    [FieldOffset(12)] public uint ValueSize;
    /// <summary><c>max_entries</c>.</summary>
    [FieldOffset(16)] public uint MaxEntries;
    /// <summary><c>map_flags</c>.</summary>
    [FieldOffset(20)] public BpfMapFlags MapFlags;
    /// <summary><c>name</c>.</summary>
    [FieldOffset(24)] public BpfObjectName Name;
    /// <summary><c>ifindex</c>.</summary>
    [FieldOffset(40)] public uint IfIndex;
    /// <summary><c>btf_vmlinux_value_type_id</c>.</summary>
    [FieldOffset(44)] public uint BtfVmlinuxValueTypeId;
    /// <summary><c>netns_dev</c>.</summary>
    [FieldOffset(48)] public ulong NetnsDev;
    /// <summary><c>netns_ino</c>.</summary>
    [FieldOffset(56)] public ulong NetnsIno;
    /// <summary><c>btf_id</c>.</summary>
    [FieldOffset(64)] public uint BtfId;
    /// <summary><c>btf_key_type_id</c>.</summary>
    [FieldOffset(68)] public uint BtfKeyTypeId;
    /// <summary><c>btf_value_type_id</c>.</summary>
    [FieldOffset(72)] public uint BtfValueTypeId;
    /// <summary><c>map_extra</c>.</summary>
    [FieldOffset(80)] public ulong MapExtra;
}
