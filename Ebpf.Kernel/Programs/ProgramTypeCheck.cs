namespace Ebpf.Kernel;

/// <summary>
/// Refuses, before any system call, to load a program without a type: one whose ELF section name libbpf 1.x does
/// not recognize (<c>socket1</c>, <c>xdp/lo</c>, <c>classifier/ingress</c>), which the reader leaves as
/// <see cref="BpfProgramType.Unspec"/>. libbpf opens such objects too and fails their load the same way ("missing BPF
/// prog type, check ELF section name"); the kernel itself would only answer EINVAL without a verifier log.
/// </summary>
internal static class ProgramTypeCheck
{
    /// <summary>Throws when <paramref name="spec"/> has no program type.</summary>
    /// <exception cref="EbpfException">The program's type is <see cref="BpfProgramType.Unspec"/>.</exception>
    internal static void EnsureTyped(ProgramSpec spec)
    {
        if (spec.Type == BpfProgramType.Unspec)
        {
            throw FailureSubject.Name(new EbpfException(Describe(spec)), FailureSubject.Of(spec));
        }
    }

    /// <summary>Throws for the first program a collection load would load that has no program type.</summary>
    /// <param name="spec">The collection.</param>
    /// <param name="loadPrograms">Programs to load although their section starts with <c>?</c> (<see cref="CollectionLoadOptions.LoadPrograms"/>).</param>
    /// <exception cref="EbpfException">A program to load has type <see cref="BpfProgramType.Unspec"/>.</exception>
    internal static void EnsureTyped(CollectionSpec spec, IReadOnlyCollection<string>? loadPrograms)
    {
        foreach (var program in spec.Programs.Values)
        {
            if (program.Autoload || loadPrograms?.Contains(program.Name) == true)
            {
                EnsureTyped(program);
            }
        }
    }

    /// <summary>Why the program cannot load, and what to do about it (the program's name is the failure's subject).</summary>
    internal static string Describe(ProgramSpec spec)
    {
        const string SetType = "set ProgramSpec.Type (and AttachType) to load it anyway";
        if (spec.SectionName is not { } section)
        {
            return "no program type (BpfProgramType.Unspec): set ProgramSpec.Type";
        }

        if (ProgramSections.Match(section) is not null)
        {
            return "no program type (BpfProgramType.Unspec): set ProgramSpec.Type";
        }

        string hint = ProgramSections.Closest(section) is { } closest
            ? closest.AcceptsTarget ? $"; use '{closest.Prefix}' or '{closest.Prefix}/TARGET'" : $"; use '{closest.Pattern}'"
            : string.Empty;
        return $"unrecognized ELF section name '{section}', so the program has no type "
            + $"(libbpf 1.x does not accept the name either{hint}); {SetType}";
    }
}
