namespace Ebpf.Btf;

/// <summary>A struct or union: a size and a list of members.</summary>
public abstract class BtfComposite : BtfType
{
    /// <summary>Initialises the fields.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string.</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="hasBitfields">The kind_flag: members carry a bitfield size in their offset.</param>
    /// <param name="members">The members in declaration order.</param>
    private protected BtfComposite(uint id, string name, uint size, bool hasBitfields, IReadOnlyList<BtfMember> members)
        : base(id, name)
    {
        Size = size;
        HasBitfieldEncoding = hasBitfields;
        Members = members;
    }

    /// <summary>Size in bytes.</summary>
    public uint Size { get; }

    /// <summary>The record's kind_flag: member offsets hold a bitfield size in their top 8 bits.</summary>
    public bool HasBitfieldEncoding { get; }

    /// <summary>The members in declaration order.</summary>
    public IReadOnlyList<BtfMember> Members { get; }
}
