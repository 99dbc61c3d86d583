namespace Ebpf.Elf;

/// <summary>
/// Raised when bytes are not a well-formed ELF64 image: bad identification, a truncated header,
/// or a table, offset, size, count or index that does not fit the file.
/// </summary>
public sealed class ElfFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="offset">Byte offset in the file where the problem was found, or -1 when it does not apply.</param>
    public ElfFormatException(string message, long offset = -1)
        : base(offset >= 0 ? $"{message} (at byte offset {offset} / 0x{offset:x})" : message)
    {
        Offset = offset;
    }

    /// <summary>Byte offset in the file where the problem was found, or -1.</summary>
    public long Offset { get; }
}
