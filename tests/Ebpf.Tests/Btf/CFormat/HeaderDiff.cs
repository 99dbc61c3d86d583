namespace Ebpf.Tests.Btf;

/// <summary>How far a generated C header is from bpftool's: the line diff size and the declared type names.</summary>
public static class HeaderDiff
{
    /// <summary>Number of lines in one text and not the other, counting repeats (a multiset difference: cheap on
    /// vmlinux-sized headers, and blind to lines that only moved).</summary>
    public static int ChangedLines(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in e)
        {
            counts[line] = counts.GetValueOrDefault(line) + 1;
        }

        foreach (var line in a)
        {
            counts[line] = counts.GetValueOrDefault(line) - 1;
        }

        return counts.Values.Sum(Math.Abs);
    }

    /// <summary>The first line that differs, as a message naming both sides, or null when the texts are equal.</summary>
    public static string? FirstDifference(string expected, string actual, string expectedName = "bpftool", string actualName = "ours")
    {
        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            return null;
        }

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int width = Math.Max(expectedName.Length, actualName.Length) + 1;
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : $"<end of {expectedName} output>";
            string al = i < a.Length ? a[i] : $"<end of {actualName} output>";
            if (el != al)
            {
                return $"line {i + 1}:\n  {(expectedName + ":").PadRight(width)} {el}\n  {(actualName + ":").PadRight(width)} {al}";
            }
        }

        return "texts differ";
    }

    /// <summary>The types a header declares at top level: <c>struct X</c>, <c>union X</c>, <c>enum X</c>, <c>typedef X</c>
    /// (a name per declaration, so a repeated one shows up as a count above 1).</summary>
    public static SortedDictionary<string, int> DeclaredNames(string header)
    {
        var names = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var lines = header.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            string? name = null;
            if (line.StartsWith("typedef ", StringComparison.Ordinal))
            {
                // The typedef ends at the first top-level line ending in ';' (function pointer typedefs and
                // typedefs of anonymous structs span lines).
                int end = i;
                while (!lines[end].EndsWith(';'))
                {
                    end++;
                }

                name = "typedef " + TypedefName(lines[end]);
            }
            else if ((Tag(line, "struct ") ?? Tag(line, "union ") ?? Tag(line, "enum ")) is { } tag)
            {
                name = tag;
            }

            if (name is not null)
            {
                names[name] = names.GetValueOrDefault(name) + 1;
            }
        }

        return names;
    }

    private static string? Tag(string line, string keyword)
    {
        if (!line.StartsWith(keyword, StringComparison.Ordinal))
        {
            return null;
        }

        int end = keyword.Length;
        while (end < line.Length && (char.IsLetterOrDigit(line[end]) || line[end] == '_'))
        {
            end++;
        }

        return end == keyword.Length ? null : line[..end];
    }

    /// <summary>The declared name in the last line of a typedef: the last identifier, skipping array sizes,
    /// parameter lists and attributes.</summary>
    private static string TypedefName(string last)
    {
        string s = last.TrimEnd(';');
        // Function pointer typedef: "typedef int (*name)(args)" -> the identifier after the first "(*".
        int star = s.IndexOf("(*", StringComparison.Ordinal);
        if (star >= 0)
        {
            int start = star + 2;
            while (start < s.Length && s[start] == '*')
            {
                start++;
            }

            int stop = start;
            while (stop < s.Length && (char.IsLetterOrDigit(s[stop]) || s[stop] == '_'))
            {
                stop++;
            }

            return s[start..stop];
        }

        int bracket = s.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0)
        {
            s = s[..bracket];
        }

        int paren = s.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            // Function typedef "typedef void name(args)".
            s = s[..paren];
        }

        int i = s.Length;
        while (i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] == '_'))
        {
            i--;
        }

        return s[i..];
    }
}
