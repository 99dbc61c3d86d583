namespace Ebpf.Btf;

/// <summary>A typedef (<c>BTF_KIND_TYPEDEF</c>).</summary>
public sealed class BtfTypedef : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="typeId">Id of the aliased type.</param>
    public BtfTypedef(uint id, string name, uint typeId)
        : base(id, name)
    {
        TypeId = typeId;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Typedef;

    /// <summary>Id of the aliased type.</summary>
    public uint TypeId { get; }
}
