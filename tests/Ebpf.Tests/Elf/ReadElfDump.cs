using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ebpf.Tests.Elf;

/// <summary>
/// Runs llvm-readelf (<c>--elf-output-style=LLVM</c>, the machine-friendly form of
/// <c>llvm-readelf --sections --symbols --relocations</c>) and parses its blocks into key/value maps.
/// </summary>
public sealed partial class ReadElfDump
{
    /// <summary>Each "Section { ... }" of the section list.</summary>
    public List<Dictionary<string, string>> Sections { get; } = [];

    /// <summary>Each "Symbol { ... }" of .symtab.</summary>
    public List<Dictionary<string, string>> Symbols { get; } = [];

    /// <summary>Each "Symbol { ... }" of .dynsym.</summary>
    public List<Dictionary<string, string>> DynamicSymbols { get; } = [];

    /// <summary>Each "ProgramHeader { ... }".</summary>
    public List<Dictionary<string, string>> ProgramHeaders { get; } = [];

    /// <summary>Relocations per relocation section index.</summary>
    public Dictionary<int, List<Dictionary<string, string>>> Relocations { get; } = [];

    /// <summary>The llvm-readelf executable, or null when none is installed.</summary>
    public static string? Tool { get; } = new[] { "/usr/bin/llvm-readelf-14", "/usr/bin/llvm-readelf", "/usr/lib/llvm-14/bin/llvm-readelf" }
        .FirstOrDefault(File.Exists);

    /// <summary>Dumps sections, symbols (static and dynamic) and expanded relocations of <paramref name="path"/>.</summary>
    public static ReadElfDump Run(string path)
    {
        if (Tool is null)
        {
            Assert.Ignore("llvm-readelf is not installed");
        }

        var (exitCode, output, error) = ExternalTool.Execute(Tool!, "--elf-output-style=LLVM", "--program-headers", "--sections", "--symbols", "--dyn-symbols", "--relocations", "--expand-relocs", path);
        Assert.That(exitCode, Is.EqualTo(0), error);
        return Parse(output);
    }

    private static ReadElfDump Parse(string output)
    {
        var dump = new ReadElfDump();
        string? list = null;
        var relocationSection = -1;
        Dictionary<string, string>? block = null;
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.TrimEnd();
            var trimmed = line.Trim();
            var indent = line.Length - line.TrimStart().Length;
            if (indent == 0)
            {
                list = line.EndsWith(" [", StringComparison.Ordinal) ? line[..^2] : null;
                block = null;
                continue;
            }

            if (list is null)
            {
                continue;
            }

            var sectionHeader = RelocationSectionLine().Match(trimmed);
            if (list == "Relocations" && indent == 2 && sectionHeader.Success)
            {
                relocationSection = int.Parse(sectionHeader.Groups[1].Value, CultureInfo.InvariantCulture);
                dump.Relocations[relocationSection] = [];
                continue;
            }

            if (trimmed.EndsWith(" {", StringComparison.Ordinal))
            {
                block = [];
                switch (list)
                {
                    case "Sections": dump.Sections.Add(block); break;
                    case "Symbols": dump.Symbols.Add(block); break;
                    case "DynamicSymbols": dump.DynamicSymbols.Add(block); break;
                    case "ProgramHeaders": dump.ProgramHeaders.Add(block); break;
                    case "Relocations": dump.Relocations[relocationSection].Add(block); break;
                }

                continue;
            }

            var field = FieldLine().Match(trimmed);
            if (block != null && field.Success && !block.ContainsKey(field.Groups[1].Value))
            {
                block[field.Groups[1].Value] = field.Groups[2].Value;
            }
        }

        return dump;
    }

    /// <summary>The name part of "name (offset)".</summary>
    public static string NameOf(string value) => NameLine().Match(value) is { Success: true } m ? m.Groups[1].Value : value;

    /// <summary>The number in the last "(...)" of a value, or the value itself: "SHT_REL (0x9)" gives 9, "0x1F" gives 31, "48" gives 48.</summary>
    public static ulong Number(string value)
    {
        var paren = value.LastIndexOf('(');
        var text = paren >= 0 ? value[(paren + 1)..value.IndexOf(')', paren)] : value.Trim();
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>A signed hexadecimal or decimal value such as "0x10" or "-0x4".</summary>
    public static long SignedNumber(string value) =>
        value.StartsWith('-') ? -(long)Number(value[1..]) : unchecked((long)Number(value));

    [GeneratedRegex(@"^Section \((\d+)\) .* \{$")]
    private static partial Regex RelocationSectionLine();

    [GeneratedRegex(@"^(\w+)(?:: ?| \[ )(.*)$")]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"^(.*) \((\d+)\)$")]
    private static partial Regex NameLine();
}
