namespace Ebpf.Btf;

/// <summary>One variable placed in a data section (<c>struct btf_var_secinfo</c>).</summary>
/// <param name="TypeId">Id of the <see cref="BtfVar"/> (or function, for extern sections).</param>
/// <param name="Offset">Offset of the variable in the section, in bytes.</param>
/// <param name="Size">Size of the variable in bytes.</param>
public readonly record struct BtfVarSecInfo(uint TypeId, uint Offset, uint Size);
