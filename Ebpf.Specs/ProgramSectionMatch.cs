namespace Ebpf.Specs;

/// <summary>What an ELF section name says about the program in it: its definition, attach target and autoload.</summary>
/// <param name="Definition">The table row the section name matched.</param>
/// <param name="SectionName">The section name without its leading <c>?</c>.</param>
/// <param name="Target">
/// The attach target after <c>name/</c> (<c>do_sys_open</c> for <c>kprobe/do_sys_open</c>), or
/// <see langword="null"/> when the section names none (<c>kprobe</c>, or a definition without targets).
/// </param>
/// <param name="Autoload">
/// <see langword="false"/> when the section name started with <c>?</c>: the program is loaded only when asked for.
/// </param>
public sealed record ProgramSectionMatch(ProgramSectionDefinition Definition, string SectionName, string? Target, bool Autoload)
{
    /// <summary>The program type of the section (from <see cref="Definition"/>).</summary>
    public BpfProgramType ProgramType => Definition.ProgramType;

    /// <summary>The expected attach type of the section, or <see langword="null"/> (from <see cref="Definition"/>).</summary>
    public BpfAttachType? ExpectedAttachType => Definition.ExpectedAttachType;

    /// <summary>How the program is loaded (from <see cref="Definition"/>).</summary>
    public ProgramSectionFlags Flags => Definition.Flags;
}
