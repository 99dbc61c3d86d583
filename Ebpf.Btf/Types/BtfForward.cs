namespace Ebpf.Btf;

/// <summary>A forward declaration of a struct or union (<c>BTF_KIND_FWD</c>).</summary>
public sealed class BtfForward : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The declared name.</param>
    /// <param name="isUnion">The kind_flag: a union rather than a struct.</param>
    public BtfForward(uint id, string name, bool isUnion)
        : base(id, name)
    {
        IsUnion = isUnion;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Forward;

    /// <summary>The record's kind_flag: declares a union rather than a struct.</summary>
    public bool IsUnion { get; }
}
