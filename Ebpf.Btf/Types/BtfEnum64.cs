namespace Ebpf.Btf;

/// <summary>An enum with 64-bit values (<c>BTF_KIND_ENUM64</c>).</summary>
public sealed class BtfEnum64 : BtfEnumeration
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="isSigned">The kind_flag: values are signed.</param>
    /// <param name="values">The enumerators in declaration order.</param>
    public BtfEnum64(uint id, string name, uint size, bool isSigned, IReadOnlyList<BtfEnumValue> values)
        : base(id, name, size, isSigned, values)
    {
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Enum64;
}
