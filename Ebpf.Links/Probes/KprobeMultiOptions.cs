namespace Ebpf.Links;

/// <summary>How <see cref="ProbeAttachExtensions.AttachKprobeMulti"/> probes its kernel functions.</summary>
public sealed record KprobeMultiOptions
{
    /// <summary>True for kretprobes (<c>BPF_F_KPROBE_MULTI_RETURN</c>).</summary>
    public bool ReturnProbe { get; init; }

    /// <summary>
    /// True for a kprobe session (<c>BPF_TRACE_KPROBE_SESSION</c>, Linux 6.10+, libbpf's <c>session</c> option): the
    /// program, loaded with that attach type (a <c>kprobe.session</c> section), runs on entry and, when the entry run
    /// returned 0, again on return (<c>bpf_session_is_return()</c> tells which). Not with <see cref="ReturnProbe"/>.
    /// </summary>
    public bool Session { get; init; }

    /// <summary>One BPF cookie per function, in the same order; null for none.</summary>
    public IReadOnlyList<ulong>? Cookies { get; init; }
}
