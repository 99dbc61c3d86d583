using System.Runtime.ExceptionServices;
using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Kernel;

/// <summary>
/// Names the map or program a failure concerns: the same exception type, with its error number, command, log and
/// inner exception, whose message starts with the subject (<c>map 'events': BPF_MAP_CREATE failed: ...</c>). The
/// innermost naming wins: a failure already named (an inner map's, say) keeps its subject.
/// </summary>
internal static class FailureSubject
{
    /// <summary>The subject of a map: <c>map 'name'</c>.</summary>
    public static string Of(MapSpec spec) => $"map '{spec.Name}'";

    /// <summary>The subject of a map made already: <c>map 'name'</c>.</summary>
    public static string Of(Map map) => $"map '{map.Name}'";

    /// <summary>The subject of a program: <c>program 'name' (section)</c>, or <c>program 'name'</c> when built by hand.</summary>
    public static string Of(ProgramSpec spec) =>
        string.IsNullOrEmpty(spec.SectionName) ? $"program '{spec.Name}'" : $"program '{spec.Name}' ({spec.SectionName})";

    /// <summary>The subject of the inner map template of a map-in-map.</summary>
    public static string OfInnerMap(MapSpec outer, MapSpec inner) => $"inner map '{inner.Name}' of map '{outer.Name}'";

    /// <summary>
    /// The failure named by <paramref name="subject"/>, for a <c>catch ... when</c> that throws it; false (the failure
    /// propagates unchanged) when it is named already or is not one of the exception types it can copy (this
    /// assembly's, <see cref="CoreRelocationException"/> and <see cref="InstructionReferenceException"/>).
    /// </summary>
    public static bool TryName(Exception failure, string subject, out Exception named)
    {
        named = Name(failure, subject);
        return !ReferenceEquals(named, failure);
    }

    /// <summary>The failure named by <paramref name="subject"/>, or <paramref name="failure"/> itself when it cannot or need not be.</summary>
    public static Exception Name(Exception failure, string subject)
    {
        Exception? named = failure switch
        {
            EbpfException { Subject: null } e => e.WithSubject(subject),
            EbpfNotSupportedException { Subject: null } n => n.WithSubject(subject),
            CoreRelocationException { Subject: null } c => c.WithSubject(subject),
            InstructionReferenceException { Subject: null } r => r.WithSubject(subject),
            _ => null,
        };
        if (named is null)
        {
            return failure;
        }

        if (failure.StackTrace is { } trace)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(named, trace); // where the kernel call failed, not where it was named
        }

        return named;
    }
}
