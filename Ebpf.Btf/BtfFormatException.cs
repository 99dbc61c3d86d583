namespace Ebpf.Btf;

/// <summary>Raised when bytes are not well-formed BTF: a bad header, a truncated or unknown type record,
/// a dangling type or string reference, or a reference cycle where none may be.</summary>
public sealed class BtfFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="offset">Byte offset in the BTF blob where the problem was found, or -1 when it does not apply.</param>
    public BtfFormatException(string message, long offset = -1)
        : base(offset >= 0 ? $"{message} (at byte offset {offset})" : message)
    {
        Offset = offset;
    }

    /// <summary>Byte offset in the BTF blob, or -1.</summary>
    public long Offset { get; }
}
