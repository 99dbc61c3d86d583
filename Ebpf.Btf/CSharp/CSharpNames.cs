using System.Text;

namespace Ebpf.Btf.CSharp;

/// <summary>Turns C names into C# identifiers: PascalCase, keywords escaped.</summary>
public static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>
    /// The PascalCase form of a C name: <c>exec_event</c> -> <c>ExecEvent</c>, <c>.rodata</c> -> <c>Rodata</c>.
    /// Characters that cannot be in an identifier separate words; a leading digit gets an underscore.
    /// </summary>
    public static string PascalCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = new StringBuilder(name.Length);
        foreach (var word in SplitWords(name, c => !char.IsAsciiLetterOrDigit(c)))
        {
            bool shouting = !word.Any(char.IsAsciiLetterLower);
            result.Append(char.ToUpperInvariant(word[0]));
            result.Append(shouting ? word[1..].ToLowerInvariant() : word[1..]);
        }

        if (result.Length == 0)
        {
            return "_";
        }

        return char.IsAsciiDigit(result[0]) ? "_" + result : result.ToString();
    }

    /// <summary>An identifier for <paramref name="name"/>: escaped with <c>@</c> when it is a C# keyword.</summary>
    public static string Escape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Keywords.Contains(name) ? "@" + name : name;
    }

    private static IEnumerable<string> SplitWords(string name, Func<char, bool> separator)
    {
        int start = 0;
        for (int i = 0; i <= name.Length; i++)
        {
            if (i == name.Length || separator(name[i]))
            {
                if (i > start)
                {
                    yield return name[start..i];
                }

                start = i + 1;
            }
        }
    }

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string XmlText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }
}
