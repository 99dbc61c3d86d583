namespace Ebpf.Btf.Marshaling;

/// <summary>Raised by <see cref="BtfBuilder"/> when its input cannot be written as BTF: a dangling type id,
/// more members than a record can count, a name or string table past the format's limits, a field that
/// does not fit its bits, or too many types.</summary>
public sealed class BtfBuilderException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public BtfBuilderException(string message)
        : base(message)
    {
    }
}
