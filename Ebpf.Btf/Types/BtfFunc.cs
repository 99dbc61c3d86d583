namespace Ebpf.Btf;

/// <summary>A function (<c>BTF_KIND_FUNC</c>).</summary>
public sealed class BtfFunc : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The function name.</param>
    /// <param name="prototypeId">Id of the <see cref="BtfFuncProto"/>.</param>
    /// <param name="linkage">The linkage (the record's vlen).</param>
    public BtfFunc(uint id, string name, uint prototypeId, BtfLinkage linkage)
        : base(id, name)
    {
        PrototypeId = prototypeId;
        Linkage = linkage;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Func;

    /// <summary>Id of the function's prototype.</summary>
    public uint PrototypeId { get; }

    /// <summary>The linkage (stored in the record's vlen).</summary>
    public BtfLinkage Linkage { get; }
}
