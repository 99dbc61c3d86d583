namespace Ebpf.Specs;

/// <summary>
/// A map definition in a BPF object is malformed or uses something this reader does not know: an unknown field of
/// a BTF map definition, a legacy definition with non-zero unknown bytes, a <c>values</c> initialiser pointing at
/// the wrong kind of symbol, and the like. The message names the map and the field.
/// </summary>
public sealed class MapDefinitionException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public MapDefinitionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the map and the field.</param>
    public MapDefinitionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception around the error that caused it.</summary>
    /// <param name="message">What is wrong, naming the map and the field.</param>
    /// <param name="innerException">The underlying error (for example a BTF decoding error).</param>
    public MapDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
