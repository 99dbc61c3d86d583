namespace Ebpf.Btf;

/// <summary>A pointer (<c>BTF_KIND_PTR</c>).</summary>
public sealed class BtfPointer : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="typeId">Id of the pointed-to type (0 for <c>void *</c>).</param>
    public BtfPointer(uint id, string name, uint typeId)
        : base(id, name)
    {
        TypeId = typeId;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Pointer;

    /// <summary>Id of the pointed-to type (0 for <c>void *</c>).</summary>
    public uint TypeId { get; }
}
