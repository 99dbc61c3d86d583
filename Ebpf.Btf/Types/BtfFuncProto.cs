namespace Ebpf.Btf;

/// <summary>A function prototype (<c>BTF_KIND_FUNC_PROTO</c>).</summary>
public sealed class BtfFuncProto : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name (normally empty).</param>
    /// <param name="returnTypeId">Id of the return type (0 for <c>void</c>).</param>
    /// <param name="parameters">The parameters in order.</param>
    public BtfFuncProto(uint id, string name, uint returnTypeId, IReadOnlyList<BtfParameter> parameters)
        : base(id, name)
    {
        ReturnTypeId = returnTypeId;
        Parameters = parameters;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.FuncProto;

    /// <summary>Id of the return type (0 for <c>void</c>).</summary>
    public uint ReturnTypeId { get; }

    /// <summary>The parameters in order.</summary>
    public IReadOnlyList<BtfParameter> Parameters { get; }

    /// <summary>Whether the last parameter is the variadic marker (no name, type 0).</summary>
    public bool IsVariadic => Parameters.Count > 0 && Parameters[^1].TypeId == 0 && Parameters[^1].Name.Length == 0;
}
