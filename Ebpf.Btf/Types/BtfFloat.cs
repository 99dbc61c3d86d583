namespace Ebpf.Btf;

/// <summary>A floating point type (<c>BTF_KIND_FLOAT</c>).</summary>
public sealed class BtfFloat : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name.</param>
    /// <param name="size">Size in bytes.</param>
    public BtfFloat(uint id, string name, uint size)
        : base(id, name)
    {
        Size = size;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Float;

    /// <summary>Size in bytes.</summary>
    public uint Size { get; }
}
