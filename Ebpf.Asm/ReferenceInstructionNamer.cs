using System.Globalization;

namespace Ebpf.Asm;

/// <summary>
/// Names call targets and <c>lddw</c> operands after <see cref="Instruction.Reference"/> (the symbol an
/// ELF relocation or the assembler recorded), and falls back to the kernel's defaults when an
/// instruction has no reference.
/// </summary>
/// <remarks>
/// Texts: a BPF-to-BPF call prints <c>call pc+5#name</c> (bpftool's form); a kfunc or unknown helper
/// prints <c>call name#imm</c>; a map <c>lddw</c> prints <c>map[name]</c>, with <c>+off</c> for a
/// pointer into the map value; a function address prints <c>subprog[name]</c>; a kernel variable
/// (BTF id) prints its name.
/// </remarks>
public sealed class ReferenceInstructionNamer : IInstructionNamer
{
    /// <summary>The shared instance.</summary>
    public static ReferenceInstructionNamer Instance { get; } = new();

    /// <inheritdoc />
    public string? NameCall(in Instruction call)
    {
        string? reference = call.Reference;
        if (reference == null)
        {
            return null;
        }

        return (byte)call.Src == PseudoSource.Call
            ? call.Immediate.ToString("+0;-0", CultureInfo.InvariantCulture) + "#" + reference
            : reference;
    }

    /// <inheritdoc />
    public string? FormatImmediate64(in Instruction load)
    {
        string? reference = load.Reference;
        if (reference == null)
        {
            return null;
        }

        return (byte)load.Src switch
        {
            PseudoSource.MapFd or PseudoSource.MapIndex => "map[" + reference + "]",
            PseudoSource.MapValue or PseudoSource.MapIndexValue =>
                "map[" + reference + "]+" + ((int)(load.Constant >> 32)).ToString(CultureInfo.InvariantCulture),
            PseudoSource.Func => "subprog[" + reference + "]",
            _ => reference,
        };
    }
}
