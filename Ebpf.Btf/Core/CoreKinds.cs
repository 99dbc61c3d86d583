namespace Ebpf.Btf;

/// <summary>How each <see cref="CoreRelocationKind"/> is resolved: against a field, a type or an enumerator.</summary>
internal static class CoreKinds
{
    public static bool IsFieldBased(CoreRelocationKind kind) => kind <= CoreRelocationKind.FieldRShiftU64;

    public static bool IsTypeBased(CoreRelocationKind kind) =>
        kind is CoreRelocationKind.TypeIdLocal or CoreRelocationKind.TypeIdTarget or CoreRelocationKind.TypeExists
            or CoreRelocationKind.TypeSize or CoreRelocationKind.TypeMatches;

    public static bool IsEnumValueBased(CoreRelocationKind kind) =>
        kind is CoreRelocationKind.EnumValueExists or CoreRelocationKind.EnumValue;

    /// <summary>Two kinds CO-RE treats as the same (equal, or enum against enum64).</summary>
    public static bool AreCompatible(BtfKind a, BtfKind b) =>
        a == b || (a is BtfKind.Enum or BtfKind.Enum64 && b is BtfKind.Enum or BtfKind.Enum64);
}
