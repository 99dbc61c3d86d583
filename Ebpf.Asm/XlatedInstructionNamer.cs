using System.Globalization;

namespace Ebpf.Asm;

/// <summary>
/// Names things the way <c>bpftool prog dump xlated</c> does for the instructions the kernel reports
/// (<c>BPF_OBJ_GET_INFO_BY_FD</c>'s <c>xlated_prog_insns</c>): maps by id (<c>map[id:5]</c>,
/// <c>map[id:5][0]+16</c>, <c>map[idx:0]+8</c>), function addresses as <c>subprog[+N]</c>, and calls
/// by kernel symbol, found from the address <c>__bpf_call_base + imm</c>.
/// </summary>
public sealed class XlatedInstructionNamer : IInstructionNamer
{
    private readonly ulong _callBase;
    private readonly Func<ulong, string?>? _symbolAt;
    private readonly IReadOnlyList<ulong>? _jitedFunctions;

    /// <summary>Creates a namer that knows no kernel symbols: calls keep the kernel's default names.</summary>
    public XlatedInstructionNamer()
    {
    }

    /// <summary>Creates a namer that resolves call targets through kernel symbols.</summary>
    /// <param name="callBase">The address of the kernel's <c>__bpf_call_base</c> (from <c>/proc/kallsyms</c>).</param>
    /// <param name="symbolAt">Returns the kernel symbol that starts exactly at an address, or null.</param>
    /// <param name="jitedFunctions">
    /// The program's <c>jited_ksyms</c> (the address of each JITed function), or null when the program
    /// is not JITed or they are unknown; a BPF-to-BPF call's immediate indexes this list.
    /// </param>
    public XlatedInstructionNamer(ulong callBase, Func<ulong, string?> symbolAt, IReadOnlyList<ulong>? jitedFunctions = null)
    {
        ArgumentNullException.ThrowIfNull(symbolAt);
        _callBase = callBase;
        _symbolAt = symbolAt;
        _jitedFunctions = jitedFunctions;
    }

    /// <inheritdoc />
    public string? NameCall(in Instruction call)
    {
        if (_symbolAt == null)
        {
            return null;
        }

        ulong address = unchecked(_callBase + (ulong)(long)call.Immediate);
        bool pseudoCall = (byte)call.Src == PseudoSource.Call;
        int jited = _jitedFunctions?.Count ?? 0;
        if (pseudoCall && (uint)call.Immediate < (uint)jited)
        {
            address = _jitedFunctions![call.Immediate];
        }

        string? symbol = _symbolAt(address);
        if (!pseudoCall)
        {
            return symbol ?? "0x" + address.ToString("x", CultureInfo.InvariantCulture);
        }

        // The verifier keeps a BPF-to-BPF call's original distance in the offset field.
        string distance = ((int)call.Offset).ToString("+0;-0", CultureInfo.InvariantCulture);
        if (jited == 0)
        {
            return distance;
        }

        return distance + "#" + (symbol ?? "0x" + address.ToString("x", CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public string? FormatImmediate64(in Instruction load)
    {
        int low = load.Immediate;
        int high = (int)(load.Constant >> 32);
        return (byte)load.Src switch
        {
            PseudoSource.MapFd => "map[id:" + low.ToString(CultureInfo.InvariantCulture) + "]",
            PseudoSource.MapValue => "map[id:" + low.ToString(CultureInfo.InvariantCulture) + "][0]+" + high.ToString(CultureInfo.InvariantCulture),
            PseudoSource.MapIndexValue => "map[idx:" + low.ToString(CultureInfo.InvariantCulture) + "]+" + high.ToString(CultureInfo.InvariantCulture),
            PseudoSource.Func => "subprog[" + low.ToString("+0;-0", CultureInfo.InvariantCulture) + "]",
            _ => null,
        };
    }
}
