using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Specs;

/// <summary>
/// Everything needed to load a program: what <c>BPF_PROG_LOAD</c> takes, with references still symbolic.
/// </summary>
/// <remarks>
/// <para>The instructions are linked: the entry function comes first, followed by every subprogram it reaches,
/// each function's first instruction carrying its name as <see cref="Instruction.Symbol"/> (of two static functions
/// of one name that a program reaches, as objects linked from several compilation units may hold, the later carries
/// <c>name@section+0xOFFSET</c>, its place in the object, so that every symbol is unique), and
/// bpf-to-bpf call and function pointer offsets already resolved.</para>
/// <para>What only the kernel can resolve stays symbolic, named by <see cref="Instruction.Reference"/>:
/// <c>lddw</c> with <see cref="PseudoSource.MapFd"/> (the map's name; constant 0) or
/// <see cref="PseudoSource.MapValue"/> (the map's name; the offset into the value in the upper 32 bits of the constant);
/// kfunc calls (<see cref="PseudoSource.KfuncCall"/>, the kfunc's name), typed ksym loads
/// (<see cref="PseudoSource.BtfId"/>, the symbol's name: the loader puts the kernel BTF id in) and typeless ksym loads
/// (<c>extern const void sym __ksym</c>: an <c>lddw</c> with source register 0 and constant 0, the symbol's name: the
/// loader puts the address from <c>/proc/kallsyms</c> in). Instructions with a CO-RE relocation carry a
/// <see cref="CoreRelocation"/> as <see cref="InstructionMetadata.Tag"/>, against <see cref="Btf"/>.</para>
/// </remarks>
public sealed record ProgramSpec
{
    /// <summary>The program's name: its function symbol in the object.</summary>
    public required string Name { get; init; }

    /// <summary>The program type.</summary>
    public required BpfProgramType Type { get; init; }

    /// <summary>The expected attach type, or null when the program type has none.</summary>
    public BpfAttachType? AttachType { get; init; }

    /// <summary>The attach target named by the section (a function, tracepoint or hook), or null.</summary>
    public string? AttachTo { get; init; }

    /// <summary>Load flags the section implies (sleepable, XDP frags).</summary>
    public ProgramFlags Flags { get; init; }

    /// <summary>The ELF section the program came from, without the <c>?</c> of a section that is not autoloaded (as libbpf reports it), or null when built by hand.</summary>
    public string? SectionName { get; init; }

    /// <summary>The linked instructions.</summary>
    public required Instructions Instructions { get; init; }

    /// <summary>The license from the object's <c>license</c> section (<c>GPL</c> by default for hand-built programs).</summary>
    public string License { get; init; } = "GPL";

    /// <summary>The kernel version from the object's <c>version</c> section, or 0.</summary>
    public uint KernelVersion { get; init; }

    /// <summary>The byte order of the instructions' constants and of <see cref="Btf"/>.</summary>
    public ByteOrder ByteOrder { get; init; } = ByteOrder.LittleEndian;

    /// <summary>The object's BTF: function, line and CO-RE information refers to its types. Null when the object has none.</summary>
    public BtfSpec? Btf { get; init; }

    /// <summary>
    /// Kernel symbols (ksyms, kfuncs) the object declares <c>__weak</c>: when the kernel lacks one, a load gives its
    /// address as 0 and poisons its calls (as libbpf does) instead of failing.
    /// </summary>
    public IReadOnlySet<string> WeakKernelSymbols { get; init; } = EmptyNames;

    /// <summary>Whether a collection load loads this program (false for <c>?</c>-prefixed sections).</summary>
    public bool Autoload { get; init; } = true;

    private static readonly IReadOnlySet<string> EmptyNames = new HashSet<string>(StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Type}, {SectionName ?? "no section"}, {Instructions.Count} instructions)";
}
