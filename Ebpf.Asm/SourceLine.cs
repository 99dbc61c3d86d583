namespace Ebpf.Asm;

/// <summary>A line of source code an instruction was compiled from.</summary>
/// <param name="FileName">Source file name.</param>
/// <param name="Text">The text of the line, as recorded in BTF line info.</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">1-based column, or 0 when unknown.</param>
public sealed record SourceLine(string FileName, string Text, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => Text;
}
