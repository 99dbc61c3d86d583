namespace Ebpf.Btf;

/// <summary>An integer type (<c>BTF_KIND_INT</c>).</summary>
public sealed class BtfInt : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name.</param>
    /// <param name="size">Storage size in bytes.</param>
    /// <param name="encoding">Signedness, char or bool.</param>
    /// <param name="bitOffset">Offset of the value's bits within the storage.</param>
    /// <param name="bits">Number of value bits.</param>
    public BtfInt(uint id, string name, uint size, BtfIntEncoding encoding, byte bitOffset, byte bits)
        : base(id, name)
    {
        Size = size;
        Encoding = encoding;
        BitOffset = bitOffset;
        Bits = bits;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Int;

    /// <summary>Storage size in bytes.</summary>
    public uint Size { get; }

    /// <summary>Signedness, char or bool (the raw 4-bit field; unknown bits are kept).</summary>
    public BtfIntEncoding Encoding { get; }

    /// <summary>Offset of the value's bits within the storage (<c>BTF_INT_OFFSET</c>).</summary>
    public byte BitOffset { get; }

    /// <summary>Number of value bits (<c>BTF_INT_BITS</c>).</summary>
    public byte Bits { get; }

    /// <summary>Whether the integer is signed.</summary>
    public bool IsSigned => (Encoding & BtfIntEncoding.Signed) != 0;
}
