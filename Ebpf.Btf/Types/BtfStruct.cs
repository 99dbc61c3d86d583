namespace Ebpf.Btf;

/// <summary>A struct (<c>BTF_KIND_STRUCT</c>).</summary>
public sealed class BtfStruct : BtfComposite
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="hasBitfieldEncoding">The kind_flag: members carry a bitfield size in their offset.</param>
    /// <param name="members">The members in declaration order.</param>
    public BtfStruct(uint id, string name, uint size, bool hasBitfieldEncoding, IReadOnlyList<BtfMember> members)
        : base(id, name, size, hasBitfieldEncoding, members)
    {
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Struct;
}
