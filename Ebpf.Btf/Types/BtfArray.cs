namespace Ebpf.Btf;

/// <summary>An array (<c>BTF_KIND_ARRAY</c>).</summary>
public sealed class BtfArray : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name (normally empty).</param>
    /// <param name="elementTypeId">Id of the element type.</param>
    /// <param name="indexTypeId">Id of the index type.</param>
    /// <param name="count">Number of elements.</param>
    public BtfArray(uint id, string name, uint elementTypeId, uint indexTypeId, uint count)
        : base(id, name)
    {
        ElementTypeId = elementTypeId;
        IndexTypeId = indexTypeId;
        Count = count;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Array;

    /// <summary>Id of the element type.</summary>
    public uint ElementTypeId { get; }

    /// <summary>Id of the index type.</summary>
    public uint IndexTypeId { get; }

    /// <summary>Number of elements.</summary>
    public uint Count { get; }
}
