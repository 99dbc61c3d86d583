namespace Ebpf.Asm;

/// <summary>
/// How <see cref="InstructionListing"/> prints a program. The defaults print what the kernel prints
/// when nothing beyond the instructions is known: one <c>%4d: (xx) text</c> line per instruction.
/// </summary>
public sealed record InstructionListingOptions
{
    /// <summary>The kernel's defaults: opcodes, no names, no source lines, no labels.</summary>
    public static InstructionListingOptions Default { get; } = new();

    /// <summary>Names call targets and <c>lddw</c> operands; null for the kernel's defaults.</summary>
    public IInstructionNamer? Namer { get; init; }

    /// <summary>True (the default) to print the kernel's <c>(xx) </c> opcode prefix.</summary>
    public bool Opcodes { get; init; } = true;

    /// <summary>
    /// True to follow each instruction with its encoded bytes, as bpftool's <c>opcodes</c> keyword does:
    /// seven spaces, then the 8 (or 16, for <c>lddw</c>) bytes in hexadecimal, separated by spaces.
    /// An instruction that cannot be encoded then makes the listing throw <see cref="InstructionFormatException"/>.
    /// </summary>
    public bool RawBytes { get; init; }

    /// <summary>The byte order of <see cref="RawBytes"/>; bpftool shows the host's (little endian on x86 and arm64).</summary>
    public ByteOrder RawByteOrder { get; init; } = ByteOrder.LittleEndian;

    /// <summary>
    /// True to print <c>; text</c> (leading blanks removed) before an instruction whose
    /// <see cref="InstructionMetadata.Source"/> starts a new source line, as bpftool does with BTF line info.
    /// A line starts where the instruction's <see cref="SourceLine"/> is not the same object as the one last
    /// printed: one object per BTF line-info record prints every record, as bpftool does, even two
    /// records with equal text. A line with empty text prints nothing.
    /// </summary>
    public bool SourceLines { get; init; }

    /// <summary>
    /// With <see cref="SourceLines"/>, true to add bpftool's <c>linum</c> suffix
    /// <c> [file:NAME line_num:N line_col:N]</c>.
    /// </summary>
    public bool LineNumbers { get; init; }

    /// <summary>
    /// True to print <c>label:</c> before an instruction that starts a function, as bpftool does with BTF
    /// function info. The label is <see cref="SymbolLabel"/>'s text, or <see cref="Instruction.Symbol"/>.
    /// </summary>
    public bool Symbols { get; init; }

    /// <summary>
    /// With <see cref="Symbols"/>, gives the label text of an instruction (bpftool prints the function
    /// prototype, e.g. <c>int prog(struct xdp_md * ctx)</c>); null or a null result falls back to
    /// <see cref="Instruction.Symbol"/>.
    /// </summary>
    public Func<Instruction, string?>? SymbolLabel { get; init; }
}
