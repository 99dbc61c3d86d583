namespace Ebpf.Btf;

/// <summary>A declaration tag (<c>BTF_KIND_DECL_TAG</c>); the name is the tag value.</summary>
public sealed class BtfDeclTag : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The tag value.</param>
    /// <param name="typeId">Id of the tagged declaration.</param>
    /// <param name="componentIndex">Index of the tagged member or parameter, or -1 for the declaration itself.</param>
    public BtfDeclTag(uint id, string name, uint typeId, int componentIndex)
        : base(id, name)
    {
        TypeId = typeId;
        ComponentIndex = componentIndex;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.DeclTag;

    /// <summary>Id of the tagged struct, union, function, variable or typedef.</summary>
    public uint TypeId { get; }

    /// <summary>Index of the tagged member or parameter, or -1 for the declaration itself.</summary>
    public int ComponentIndex { get; }
}
