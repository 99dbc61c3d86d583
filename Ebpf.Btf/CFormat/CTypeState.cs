namespace Ebpf.Btf.CFormat;

/// <summary>What <see cref="BtfCDumper"/> knows about one type id (libbpf's <c>btf_dump_type_aux_state</c>).</summary>
internal struct CTypeState
{
    /// <summary>Progress of the ordering pass.</summary>
    public CTypeOrder Order;

    /// <summary>Progress of the output pass.</summary>
    public CTypeEmit Emit;

    /// <summary>A forward declaration (or, for a typedef, the typedef itself) has been written.</summary>
    public bool ForwardEmitted;

    /// <summary>The C name has been chosen (see <see cref="BtfCDumper"/>'s name resolution).</summary>
    public bool NameResolved;

    /// <summary>Some other type refers to this one; an anonymous enum nobody refers to is a top-level declaration.</summary>
    public bool Referenced;
}
