namespace Ebpf.Specs;

/// <summary>
/// A well-formed ELF object that cannot be turned into a <see cref="CollectionSpec"/>: an unsupported relocation,
/// a call to an unknown function, a malformed program section. Names the section and, when there is one, the symbol.
/// </summary>
public sealed class ElfSpecException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="sectionName">The ELF section involved, or null.</param>
    /// <param name="symbolName">The symbol involved, or null.</param>
    /// <param name="innerException">The underlying error, or null.</param>
    public ElfSpecException(string message, string? sectionName = null, string? symbolName = null, Exception? innerException = null)
        : base(Describe(message, sectionName, symbolName), innerException)
    {
        SectionName = sectionName;
        SymbolName = symbolName;
    }

    /// <summary>The ELF section involved, or null.</summary>
    public string? SectionName { get; }

    /// <summary>The symbol involved, or null.</summary>
    public string? SymbolName { get; }

    private static string Describe(string message, string? sectionName, string? symbolName) =>
        (sectionName, symbolName) switch
        {
            (null, null) => message,
            (not null, null) => $"section '{sectionName}': {message}",
            (null, not null) => $"symbol '{symbolName}': {message}",
            _ => $"section '{sectionName}', symbol '{symbolName}': {message}",
        };
}
