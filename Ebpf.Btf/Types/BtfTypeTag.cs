namespace Ebpf.Btf;

/// <summary>A type tag such as <c>__user</c> (<c>BTF_KIND_TYPE_TAG</c>); the name is the tag value.</summary>
public sealed class BtfTypeTag : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="typeId">Id of the tagged type.</param>
    public BtfTypeTag(uint id, string name, uint typeId)
        : base(id, name)
    {
        TypeId = typeId;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.TypeTag;

    /// <summary>Id of the tagged type.</summary>
    public uint TypeId { get; }
}
