using Ebpf.Elf;

namespace Ebpf.Links;

/// <summary>Resolves function and variable symbols of ELF executables and shared libraries to the file offsets uprobes take.</summary>
public static class UprobeSymbols
{
    /// <summary>
    /// The file offset of function <paramref name="symbol"/> in <paramref name="binaryPath"/>: its <c>st_value</c>
    /// (from <c>.symtab</c>, else <c>.dynsym</c>) translated through the loadable segments.
    /// </summary>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="symbol">The function name, e.g. <c>malloc</c>.</param>
    /// <exception cref="ArgumentException">The binary defines no such function.</exception>
    /// <exception cref="ElfFormatException">The file is not a valid ELF64 file.</exception>
    public static ulong Offset(string binaryPath, string symbol) =>
        FileOffset(binaryPath, symbol, static type => type is ElfSymbolType.Function or ElfSymbolType.GnuIndirectFunction, "function");

    /// <summary>
    /// The file offset of variable <paramref name="symbol"/> in <paramref name="binaryPath"/>, e.g. a USDT semaphore for
    /// <see cref="UprobeOptions.ReferenceCounterOffset"/>: its <c>st_value</c> translated through the
    /// loadable segments. The variable must have file contents (initialised data), not <c>.bss</c>.
    /// </summary>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="symbol">The variable name.</param>
    /// <exception cref="ArgumentException">The binary defines no such variable, or it lies in no loadable segment.</exception>
    /// <exception cref="ElfFormatException">The file is not a valid ELF64 file.</exception>
    public static ulong VariableOffset(string binaryPath, string symbol) =>
        FileOffset(binaryPath, symbol, static type => type == ElfSymbolType.Object, "variable");

    /// <summary>The functions of <paramref name="binaryPath"/> whose names match glob <paramref name="pattern"/> (<c>uprobe.multi/</c> sections), with their file offsets.</summary>
    /// <exception cref="ArgumentException">No function matches.</exception>
    internal static (string[] Names, ulong[] Offsets) MatchingFunctions(string binaryPath, string pattern)
    {
        using var elf = ElfFile.Open(binaryPath);
        var found = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var table in new[] { elf.Symbols, elf.DynamicSymbols })
        {
            foreach (var symbol in table)
            {
                if (symbol.Type is ElfSymbolType.Function or ElfSymbolType.GnuIndirectFunction && symbol.IsInSection && symbol.Value != 0
                    && !found.ContainsKey(symbol.Name) && GlobPattern.IsMatch(pattern, symbol.Name) && elf.TryGetFileOffset(symbol.Value, out ulong offset))
                {
                    found.Add(symbol.Name, offset);
                }
            }
        }

        if (found.Count == 0)
        {
            throw new ArgumentException($"{binaryPath} has no function matching {pattern}", nameof(pattern));
        }

        return (found.Keys.ToArray(), found.Values.ToArray());
    }

    private static ulong FileOffset(string binaryPath, string symbol, Func<ElfSymbolType, bool> isKind, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        using var elf = ElfFile.Open(binaryPath);
        foreach (var table in new[] { elf.Symbols, elf.DynamicSymbols })
        {
            if (TryFind(table, symbol, isKind, out var found))
            {
                if (!elf.TryGetFileOffset(found.Value, out ulong offset))
                {
                    throw new ArgumentException($"{symbol} in {binaryPath} (0x{found.Value:x}) lies in no loadable segment", nameof(symbol));
                }

                return offset;
            }
        }

        throw new ArgumentException($"{binaryPath} defines no {kind} {symbol}", nameof(symbol));
    }

    private static bool TryFind(ElfSymbolTable table, string name, Func<ElfSymbolType, bool> isKind, out ElfSymbol symbol)
    {
        foreach (var candidate in table)
        {
            if (isKind(candidate.Type) && candidate.IsInSection && candidate.Value != 0
                && candidate.Name == name)
            {
                symbol = candidate;
                return true;
            }
        }

        symbol = default;
        return false;
    }
}
