using Ebpf.Asm;
using System.Text;

namespace Ebpf.Kernel;

/// <summary>
/// Condenses a verifier log into a few lines for an exception message: what the verifier complained about,
/// the instruction it stopped at and that instruction's source line (the kernel writes <c>; text @ file:line</c>
/// comments when the program was loaded with line info).
/// </summary>
internal static class VerifierLogSummary
{
    /// <summary>The helper id libbpf and Ebpf write into a call whose CO-RE relocation could not be applied (<c>0xbad2310</c>).</summary>
    public const int CorePoisonHelperId = 0xbad2310;

    private const int MaxComplaintLines = 3;

    private static readonly string[] NoiseStarts =
    [
        "processed ", "verification time", "stack depth", "mark_precise", "last_idx", "regs=", "parent ", "caller:", "callee:",
        "from ", "frame", "func#", "propagating", "Live regs",
    ];

    /// <summary>Summarizes <paramref name="log"/>; returns a generic text when it is empty.</summary>
    /// <param name="log">The whole verifier log.</param>
    /// <param name="truncated">Whether the log is not all of it.</param>
    /// <param name="truncation">What part of the log is kept, for a truncated one; null for a generic note.</param>
    /// <param name="sourceLineAt">
    /// The program's own line info by instruction slot, for kernels whose comments carry only the text of the line
    /// (6.1 writes no <c>@ file:line</c>); null when there is none.
    /// </param>
    public static string Summarize(string log, bool truncated, string? truncation = null, Func<int, SourceLine?>? sourceLineAt = null)
    {
        if (string.IsNullOrWhiteSpace(log))
        {
            return "the kernel wrote no verifier log";
        }

        var lines = log.Replace("\0", string.Empty, StringComparison.Ordinal).Split('\n');
        int insnLine = -1;
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            if (IsInstructionLine(lines[i]))
            {
                insnLine = i;
                break;
            }
        }

        string? source = null;
        for (int i = insnLine - 1; i >= 0 && source is null; i--)
        {
            // The nearest comment before the instruction: the source line it (or the statement it ends) came from.
            if (lines[i].StartsWith("; ", StringComparison.Ordinal))
            {
                source = lines[i][2..].Trim();
            }
        }

        if (source is not null && !source.Contains(" @ ", StringComparison.Ordinal) && sourceLineAt is not null
            && InstructionSlot(lines[insnLine]) is int slot && sourceLineAt(slot) is { } known)
        {
            source = $"{source} @ {Path.GetFileName(known.FileName)}:{known.Line}"; // the base name, as newer kernels write it
        }

        var complaint = new List<string>();
        for (int i = insnLine + 1; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length > 0 && !IsNoise(line) && !IsInstructionLine(line) && !line.StartsWith("; ", StringComparison.Ordinal))
            {
                complaint.Add(line);
            }
        }

        if (complaint.Count > MaxComplaintLines)
        {
            complaint.RemoveRange(MaxComplaintLines, complaint.Count - MaxComplaintLines);
        }

        string? instruction = insnLine >= 0 ? InstructionText(lines[insnLine]) : null;
        var text = new StringBuilder();
        if (instruction is not null && IsCorePoison(instruction))
        {
            text.Append("bad CO-RE relocation: the compiled program refers to a type, field or value the kernel does not have");
        }
        else if (complaint.Count > 0)
        {
            text.AppendJoin("; ", complaint);
        }
        else
        {
            text.Append(LastMeaningfulLine(lines) ?? "the verifier gave no reason");
        }

        if (instruction is not null)
        {
            text.Append("\n  at insn ").Append(instruction);
        }

        if (source is not null)
        {
            text.Append("\n  source: ").Append(source);
        }

        if (truncated)
        {
            text.Append("\n  (").Append(truncation ?? "the log was truncated").Append(')');
        }

        return text.ToString();
    }

    /// <summary>Whether a line is an instruction dump such as <c>4: (61) r0 = *(u32 *)(r1 +100)</c>.</summary>
    internal static bool IsInstructionLine(ReadOnlySpan<char> line)
    {
        int i = 0;
        while (i < line.Length && char.IsAsciiDigit(line[i]))
        {
            i++;
        }

        return i > 0 && line.Length > i + 4 && line[i] == ':' && line[i + 1] == ' ' && line[i + 2] == '('
            && char.IsAsciiHexDigit(line[i + 3]) && char.IsAsciiHexDigit(line[i + 4]);
    }

    private static int? InstructionSlot(string line) =>
        int.TryParse(line.AsSpan(0, line.IndexOf(':', StringComparison.Ordinal)), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int slot) ? slot : null;

    private static string InstructionText(string line)
    {
        int state = line.IndexOf(" ;", StringComparison.Ordinal);
        return (state < 0 ? line : line[..state]).Trim();
    }

    private static bool IsCorePoison(string instruction) =>
        instruction.Contains("call unknown#" + CorePoisonHelperId, StringComparison.Ordinal)
        || instruction.Contains("call " + CorePoisonHelperId, StringComparison.Ordinal)
        || instruction.Contains("0xbad2310", StringComparison.OrdinalIgnoreCase);

    private static bool IsNoise(string line)
    {
        foreach (var start in NoiseStarts)
        {
            if (line.StartsWith(start, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return line[0] == 'R' && line.Length > 1 && char.IsAsciiDigit(line[1]) && line.Contains('=', StringComparison.Ordinal) && !line.Contains(' ', StringComparison.Ordinal);
    }

    private static string? LastMeaningfulLine(string[] lines)
    {
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            string line = lines[i].Trim();
            if (line.Length > 0 && !IsNoise(line))
            {
                return line;
            }
        }

        return null;
    }
}
