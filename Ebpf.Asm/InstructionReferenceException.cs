namespace Ebpf.Asm;

/// <summary>
/// Raised when the labels and references of an <see cref="Instructions"/> collection do not resolve:
/// an unknown target, a symbol defined twice, or a jump too far for its offset field.
/// </summary>
public sealed class InstructionReferenceException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">What went wrong.</param>
    /// <param name="symbol">The symbol concerned.</param>
    /// <param name="slotOffset">Slot offset of the offending instruction.</param>
    /// <param name="message">A description.</param>
    public InstructionReferenceException(ReferenceError error, string symbol, int slotOffset, string message)
        : base($"{message} (at slot {slotOffset})")
    {
        Error = error;
        Symbol = symbol;
        SlotOffset = slotOffset;
    }

    /// <summary>What went wrong.</summary>
    public ReferenceError Error { get; }

    /// <summary>The symbol that is unknown, duplicated or out of reach.</summary>
    public string Symbol { get; }

    /// <summary>Slot offset of the offending instruction (the referencing one, or the second definition).</summary>
    public int SlotOffset { get; }
}
