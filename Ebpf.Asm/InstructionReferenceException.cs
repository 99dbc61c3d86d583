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

    private InstructionReferenceException(InstructionReferenceException failure, string subject)
        : base($"{subject}: {failure.Message}", failure.InnerException)
    {
        Error = failure.Error;
        Symbol = failure.Symbol;
        SlotOffset = failure.SlotOffset;
        Subject = subject;
    }

    /// <summary>What went wrong.</summary>
    public ReferenceError Error { get; }

    /// <summary>The symbol that is unknown, duplicated or out of reach.</summary>
    public string Symbol { get; }

    /// <summary>Slot offset of the offending instruction (the referencing one, or the second definition).</summary>
    public int SlotOffset { get; }

    /// <summary>What the instructions are, as the message begins (<c>program 'handle_exec' (xdp)</c>); null when the message names nothing.</summary>
    public string? Subject { get; }

    /// <summary>This failure with its message starting with <paramref name="subject"/> (a loader names the program), keeping the error, symbol and slot.</summary>
    /// <param name="subject">What the instructions are, e.g. <c>program 'handle_exec' (xdp)</c>.</param>
    /// <returns>A new exception; this one is left as it is.</returns>
    public InstructionReferenceException WithSubject(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return new InstructionReferenceException(this, subject);
    }
}
