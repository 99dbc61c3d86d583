namespace Ebpf.Asm;

/// <summary>Raised when bytes do not decode to valid BPF instructions, or an instruction cannot be encoded.</summary>
public sealed class InstructionFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="offset">Byte offset in the instruction stream, or -1 when it does not apply.</param>
    public InstructionFormatException(string message, long offset = -1)
        : base(offset >= 0 ? $"{message} (at byte offset {offset})" : message)
    {
        Offset = offset;
    }

    /// <summary>Byte offset in the instruction stream, or -1.</summary>
    public long Offset { get; }
}
