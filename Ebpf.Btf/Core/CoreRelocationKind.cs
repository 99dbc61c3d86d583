namespace Ebpf.Btf;

/// <summary>What a CO-RE relocation asks the loader to compute (<c>enum bpf_core_relo_kind</c>).</summary>
public enum CoreRelocationKind : uint
{
    /// <summary>Byte offset of a field (<c>BPF_CORE_FIELD_BYTE_OFFSET</c>).</summary>
    FieldByteOffset = 0,

    /// <summary>Byte size of a field (<c>BPF_CORE_FIELD_BYTE_SIZE</c>).</summary>
    FieldByteSize = 1,

    /// <summary>Whether a field exists in the target (<c>BPF_CORE_FIELD_EXISTS</c>).</summary>
    FieldExists = 2,

    /// <summary>Whether a field is signed (<c>BPF_CORE_FIELD_SIGNED</c>).</summary>
    FieldSigned = 3,

    /// <summary>Left shift to extract a bitfield from a u64 (<c>BPF_CORE_FIELD_LSHIFT_U64</c>).</summary>
    FieldLShiftU64 = 4,

    /// <summary>Right shift to extract a bitfield from a u64 (<c>BPF_CORE_FIELD_RSHIFT_U64</c>).</summary>
    FieldRShiftU64 = 5,

    /// <summary>The type's id in the program's own BTF (<c>BPF_CORE_TYPE_ID_LOCAL</c>).</summary>
    TypeIdLocal = 6,

    /// <summary>The matching type's id in the target (kernel) BTF (<c>BPF_CORE_TYPE_ID_TARGET</c>).</summary>
    TypeIdTarget = 7,

    /// <summary>Whether the type exists in the target (<c>BPF_CORE_TYPE_EXISTS</c>).</summary>
    TypeExists = 8,

    /// <summary>The type's size in the target (<c>BPF_CORE_TYPE_SIZE</c>).</summary>
    TypeSize = 9,

    /// <summary>Whether an enumerator exists in the target (<c>BPF_CORE_ENUMVAL_EXISTS</c>).</summary>
    EnumValueExists = 10,

    /// <summary>An enumerator's value in the target (<c>BPF_CORE_ENUMVAL_VALUE</c>).</summary>
    EnumValue = 11,

    /// <summary>Whether the type matches the target's shape (<c>BPF_CORE_TYPE_MATCHES</c>).</summary>
    TypeMatches = 12,
}
