namespace Ebpf.Btf;

/// <summary>A const qualifier (<c>BTF_KIND_CONST</c>).</summary>
public sealed class BtfConst : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="typeId">Id of the qualified type.</param>
    public BtfConst(uint id, string name, uint typeId)
        : base(id, name)
    {
        TypeId = typeId;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Const;

    /// <summary>Id of the qualified type.</summary>
    public uint TypeId { get; }
}
