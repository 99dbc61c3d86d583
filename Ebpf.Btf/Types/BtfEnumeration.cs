namespace Ebpf.Btf;

/// <summary>An enum or enum64: a size, a signedness and a list of enumerators.</summary>
public abstract class BtfEnumeration : BtfType
{
    /// <summary>Initialises the fields.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="isSigned">The kind_flag: values are signed.</param>
    /// <param name="values">The enumerators in declaration order.</param>
    private protected BtfEnumeration(uint id, string name, uint size, bool isSigned, IReadOnlyList<BtfEnumValue> values)
        : base(id, name)
    {
        Size = size;
        IsSigned = isSigned;
        Values = values;
    }

    /// <summary>Size in bytes.</summary>
    public uint Size { get; }

    /// <summary>The record's kind_flag: the values are signed.</summary>
    public bool IsSigned { get; }

    /// <summary>The enumerators in declaration order.</summary>
    public IReadOnlyList<BtfEnumValue> Values { get; }
}
