namespace Ebpf.Specs;

/// <summary>
/// One row of the ELF section name table: which section names it accepts, the program type and expected
/// attach type they give a program, and how the program is loaded.
/// </summary>
/// <remarks>
/// Patterns follow libbpf 1.x: <c>name</c> accepts exactly <c>name</c>; <c>name+</c> accepts <c>name</c> or
/// <c>name/TARGET</c>, where <c>TARGET</c> names what the program attaches to; <c>name/</c> accepts any
/// name starting with <c>name/</c>, the rest being the target.
/// </remarks>
public sealed record ProgramSectionDefinition
{
    /// <summary>Creates a definition.</summary>
    /// <param name="pattern">The libbpf pattern, such as <c>kprobe+</c>, <c>xdp</c> or <c>cgroup/connect4</c>.</param>
    /// <param name="programType">The program type of matching sections.</param>
    /// <param name="expectedAttachType">The expected attach type, or <see langword="null"/> when the program has none.</param>
    /// <param name="flags">How matching programs are loaded.</param>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is empty or only a suffix.</exception>
    public ProgramSectionDefinition(string pattern, BpfProgramType programType, BpfAttachType? expectedAttachType, ProgramSectionFlags flags)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0 || pattern is "+" or "/")
        {
            throw new ArgumentException("A section pattern needs a name.", nameof(pattern));
        }

        Pattern = pattern;
        ProgramType = programType;
        ExpectedAttachType = expectedAttachType;
        Flags = flags;
        AcceptsTarget = pattern[^1] == '+';
        IsPrefix = pattern[^1] == '/';
        Prefix = AcceptsTarget ? pattern[..^1] : pattern;
    }

    /// <summary>The libbpf pattern, such as <c>kprobe+</c>, <c>xdp</c> or <c>cgroup/connect4</c>.</summary>
    public string Pattern { get; }

    /// <summary>The section name this definition is about: <see cref="Pattern"/> without a trailing <c>+</c>.</summary>
    public string Prefix { get; }

    /// <summary>The program type of matching sections.</summary>
    public BpfProgramType ProgramType { get; }

    /// <summary>The expected attach type given at load time, or <see langword="null"/> when there is none.</summary>
    public BpfAttachType? ExpectedAttachType { get; }

    /// <summary>How matching programs are loaded.</summary>
    public ProgramSectionFlags Flags { get; }

    /// <summary>
    /// <see langword="true"/> for a <c>name+</c> pattern: the section is <c>name</c> or <c>name/TARGET</c>, the
    /// target naming what the program attaches to (a function, a tracepoint, a binary and symbol, ...).
    /// </summary>
    public bool AcceptsTarget { get; }

    /// <summary><see langword="true"/> for a <c>name/</c> pattern, which accepts every section name it starts.</summary>
    public bool IsPrefix { get; }

    /// <summary>The program may sleep (<see cref="ProgramSectionFlags.Sleepable"/>).</summary>
    public bool IsSleepable => (Flags & ProgramSectionFlags.Sleepable) != 0;

    /// <summary>The XDP program handles multi-buffer packets (<see cref="ProgramSectionFlags.XdpFrags"/>).</summary>
    public bool IsXdpFrags => (Flags & ProgramSectionFlags.XdpFrags) != 0;

    /// <summary>The target is found through BTF (<see cref="ProgramSectionFlags.AttachBtf"/>).</summary>
    public bool IsAttachBtf => (Flags & ProgramSectionFlags.AttachBtf) != 0;

    /// <summary>The legacy attachable marker (<see cref="ProgramSectionFlags.Attachable"/>).</summary>
    public bool IsAttachable => (Flags & ProgramSectionFlags.Attachable) != 0;

    /// <summary>The expected attach type is dropped on kernels without it (<see cref="ProgramSectionFlags.ExpectedAttachTypeOptional"/>).</summary>
    public bool IsExpectedAttachTypeOptional => (Flags & ProgramSectionFlags.ExpectedAttachTypeOptional) != 0;

    /// <summary>A USDT probe (<see cref="ProgramSectionFlags.Usdt"/>).</summary>
    public bool IsUsdt => (Flags & ProgramSectionFlags.Usdt) != 0;

    /// <summary>Whether <paramref name="sectionName"/> is accepted by this definition, the way libbpf's <c>sec_def_matches</c> decides.</summary>
    /// <param name="sectionName">A section name, without a leading <c>?</c>.</param>
    public bool Matches(ReadOnlySpan<char> sectionName) => TryMatch(sectionName, out _, out _);

    /// <summary>Matches <paramref name="sectionName"/> and finds its attach target, without allocating.</summary>
    /// <param name="sectionName">A section name, without a leading <c>?</c>.</param>
    /// <param name="target">The attach target: what follows <c>name/</c>; empty when there is none.</param>
    /// <param name="hasTarget">Whether the name carries a target part (it may still be empty, as in <c>kprobe/</c>).</param>
    /// <returns>Whether the name is accepted.</returns>
    public bool TryMatch(ReadOnlySpan<char> sectionName, out ReadOnlySpan<char> target, out bool hasTarget)
    {
        target = default;
        hasTarget = false;
        if (IsPrefix)
        {
            if (!sectionName.StartsWith(Pattern, StringComparison.Ordinal))
            {
                return false;
            }

            target = sectionName[Pattern.Length..];
            hasTarget = true;
            return true;
        }

        if (!AcceptsTarget)
        {
            return sectionName.SequenceEqual(Pattern);
        }

        if (!sectionName.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (sectionName.Length == Prefix.Length)
        {
            return true;
        }

        if (sectionName[Prefix.Length] != '/')
        {
            return false;
        }

        target = sectionName[(Prefix.Length + 1)..];
        hasTarget = true;
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Pattern} ({ProgramType}, {ExpectedAttachType?.ToString() ?? "no attach type"}, {Flags})";
}
