namespace Ebpf.Btf;

/// <summary>A restrict qualifier (<c>BTF_KIND_RESTRICT</c>).</summary>
public sealed class BtfRestrict : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="typeId">Id of the qualified type.</param>
    public BtfRestrict(uint id, string name, uint typeId)
        : base(id, name)
    {
        TypeId = typeId;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Restrict;

    /// <summary>Id of the qualified type.</summary>
    public uint TypeId { get; }
}
