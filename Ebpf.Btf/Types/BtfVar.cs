namespace Ebpf.Btf;

/// <summary>A variable (<c>BTF_KIND_VAR</c>).</summary>
public sealed class BtfVar : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The variable name.</param>
    /// <param name="typeId">Id of the variable's type.</param>
    /// <param name="linkage">The linkage.</param>
    public BtfVar(uint id, string name, uint typeId, BtfLinkage linkage)
        : base(id, name)
    {
        TypeId = typeId;
        Linkage = linkage;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Var;

    /// <summary>Id of the variable's type.</summary>
    public uint TypeId { get; }

    /// <summary>The linkage.</summary>
    public BtfLinkage Linkage { get; }
}
