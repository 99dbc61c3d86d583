using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ebpf.Asm;

namespace Ebpf.Btf;

/// <summary>The instruction libbpf (and <see cref="CoreRelocator"/>) leaves where a CO-RE relocation cannot be
/// satisfied: a call to the non-existent helper <c>0xbad2310</c>. The verifier only rejects it when it is reachable,
/// which this type turns into a readable "bad CO-RE relocation" message.</summary>
public static partial class CoreRelocationPoison
{
    /// <summary>The helper id of the poison call, <c>0xbad2310</c> ("bad relo").</summary>
    public const int HelperId = 195896080;

    /// <summary>The poison instruction, keeping the metadata (source line, relocation tag) of the one it replaces.</summary>
    /// <param name="metadata">Metadata of the replaced instruction.</param>
    /// <returns>A <c>call 0xbad2310</c>.</returns>
    public static Instruction Create(InstructionMetadata? metadata = null) =>
        new(OpCode.Jump(InstructionClass.Jmp, JumpOp.Call, OperandSource.Constant), Register.R0, Register.R0, 0, HelperId, metadata);

    /// <summary>Whether an instruction is a poisoned CO-RE relocation.</summary>
    /// <param name="instruction">Any instruction.</param>
    /// <returns>True for a helper call to <see cref="HelperId"/>.</returns>
    public static bool IsPoison(in Instruction instruction) => instruction.IsHelperCall && instruction.Immediate == HelperId;

    /// <summary>Describes a poisoned instruction: "bad CO-RE relocation" with the relocation (kind, type, access string),
    /// the instruction index and its source line when known.</summary>
    /// <param name="instructions">The program.</param>
    /// <param name="index">Index of an instruction in <paramref name="instructions"/>.</param>
    /// <param name="btf">The program's own BTF, to name the relocated type; optional.</param>
    /// <returns>The message, or null when the instruction is not a poison call.</returns>
    public static string? Describe(Instructions instructions, int index, BtfSpec? btf = null)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, instructions.Count);
        var instruction = instructions[index];
        if (!IsPoison(instruction))
        {
            return null;
        }

        var text = new StringBuilder("bad CO-RE relocation");
        if (instruction.Metadata?.Tag is CoreRelocation relocation)
        {
            text.Append(CultureInfo.InvariantCulture, $" {relocation.Kind} of ");
            text.Append(btf is not null && btf.TryGetTypeById(relocation.TypeId, out var type)
                ? type.ToString()
                : $"type [{relocation.TypeId}]");
            text.Append(CultureInfo.InvariantCulture, $" access '{relocation.AccessString}'");
        }

        text.Append(CultureInfo.InvariantCulture, $" at instruction {index} (slot {instructions.SlotOffsetOf(index)})");
        if (instruction.Metadata?.Source is { } source)
        {
            text.Append(CultureInfo.InvariantCulture, $", {source.FileName}:{source.Line}:{source.Column}: {source.Text.Trim()}");
        }

        return text.ToString();
    }

    /// <summary>Describes the poisoned instruction at a verifier-reported instruction number (a slot offset).</summary>
    /// <param name="instructions">The program as loaded.</param>
    /// <param name="slot">The instruction number the verifier printed.</param>
    /// <param name="btf">The program's own BTF; optional.</param>
    /// <returns>The message, or null when no poison call starts at that slot.</returns>
    public static string? DescribeSlot(Instructions instructions, int slot, BtfSpec? btf = null)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        if (slot < 0 || slot >= instructions.SlotCount)
        {
            return null;
        }

        int index = instructions.IndexOfSlot(slot);
        return index < 0 ? null : Describe(instructions, index, btf);
    }

    /// <summary>Explains a verifier rejection caused by a reachable poison call: the kernel logs
    /// <c>N: (85) call unknown#195896080</c> then <c>invalid func unknown#195896080</c>; this finds instruction N
    /// and describes its relocation as <see cref="DescribeSlot"/> does.</summary>
    /// <param name="verifierLog">The verifier log of the failed load.</param>
    /// <param name="instructions">The program as it was loaded.</param>
    /// <param name="btf">The program's own BTF; optional.</param>
    /// <returns>The "bad CO-RE relocation" message, or null when the log does not end on a poison call.</returns>
    public static string? ExplainVerifierLog(string verifierLog, Instructions instructions, BtfSpec? btf = null)
    {
        ArgumentNullException.ThrowIfNull(verifierLog);
        ArgumentNullException.ThrowIfNull(instructions);
        if (!verifierLog.Contains($"invalid func unknown#{HelperId}", StringComparison.Ordinal))
        {
            return null;
        }

        var calls = PoisonCallLine().Matches(verifierLog);
        if (calls.Count > 0
            && int.TryParse(calls[^1].Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int slot)
            && DescribeSlot(instructions, slot, btf) is { } message)
        {
            return message;
        }

        // no instruction line (log level 0): name the first poisoned instruction
        for (int i = 0; i < instructions.Count; i++)
        {
            if (IsPoison(instructions[i]))
            {
                return Describe(instructions, i, btf);
            }
        }

        return "bad CO-RE relocation";
    }

    [GeneratedRegex(@"^(\d+): \(85\) call unknown#195896080", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PoisonCallLine();
}
