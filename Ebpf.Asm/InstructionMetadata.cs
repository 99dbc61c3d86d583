namespace Ebpf.Asm;

/// <summary>
/// Optional facts about an instruction that are not part of its encoding: the function symbol that
/// starts at it, the symbol it refers to (a map, a function, a label) and its source line.
/// Kept out of line so that <see cref="Instruction"/> stays small.
/// </summary>
public sealed record InstructionMetadata
{
    /// <summary>Name of the function or label that starts at this instruction.</summary>
    public string? Symbol { get; init; }

    /// <summary>Name of the symbol this instruction refers to: a jump or call target, a map, a variable.</summary>
    public string? Reference { get; init; }

    /// <summary>Source line this instruction was compiled from, if known.</summary>
    public SourceLine? Source { get; init; }

    /// <summary>A free-form comment, printed by the text output.</summary>
    public string? Comment { get; init; }

    /// <summary>An object the owning layer attaches (for example a map spec or a CO-RE relocation), never interpreted here.</summary>
    public object? Tag { get; init; }
}
