namespace Ebpf.Btf;

/// <summary>A <c>.BTF.ext</c> function record (<c>struct bpf_func_info</c>): the BTF <c>FUNC</c> of the function starting at an instruction.</summary>
/// <param name="ByteOffset">Byte offset of the function's first instruction in its ELF section.</param>
/// <param name="TypeId">Id of the function's <c>FUNC</c> type.</param>
public readonly record struct FuncInfo(uint ByteOffset, uint TypeId)
{
    /// <summary>The 8-byte instruction slot the record points at.</summary>
    public int Slot => (int)(ByteOffset / 8);
}
