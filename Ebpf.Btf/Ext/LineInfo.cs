namespace Ebpf.Btf;

/// <summary>A <c>.BTF.ext</c> line record (<c>struct bpf_line_info</c>), with its strings resolved.</summary>
/// <param name="ByteOffset">Byte offset of the instruction in its ELF section.</param>
/// <param name="FileNameOffset">BTF string offset of the source file name.</param>
/// <param name="LineOffset">BTF string offset of the source line's text.</param>
/// <param name="FileName">The source file name.</param>
/// <param name="Text">The source line's text.</param>
/// <param name="Line">1-based line number (the top 22 bits of <c>line_col</c>).</param>
/// <param name="Column">1-based column, or 0 when unknown (the low 10 bits of <c>line_col</c>).</param>
public sealed record LineInfo(uint ByteOffset, uint FileNameOffset, uint LineOffset, string FileName, string Text, int Line, int Column)
{
    /// <summary>The 8-byte instruction slot the record points at.</summary>
    public int Slot => (int)(ByteOffset / 8);
}
