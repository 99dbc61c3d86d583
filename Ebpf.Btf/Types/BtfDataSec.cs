namespace Ebpf.Btf;

/// <summary>A data section such as <c>.data</c> or <c>.bss</c> (<c>BTF_KIND_DATASEC</c>).</summary>
public sealed class BtfDataSec : BtfType
{
    /// <summary>Creates the type.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The section name.</param>
    /// <param name="size">Size of the section in bytes (0 until known).</param>
    /// <param name="variables">The variables in the section.</param>
    public BtfDataSec(uint id, string name, uint size, IReadOnlyList<BtfVarSecInfo> variables)
        : base(id, name)
    {
        Size = size;
        Variables = variables;
    }

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.DataSec;

    /// <summary>Size of the section in bytes.</summary>
    public uint Size { get; }

    /// <summary>The variables in the section.</summary>
    public IReadOnlyList<BtfVarSecInfo> Variables { get; }
}
