namespace Ebpf.Links;

/// <summary>How <see cref="ProbeAttachExtensions.AttachUprobeMulti"/> probes its user-space locations.</summary>
public sealed record UprobeMultiOptions
{
    /// <summary>True for uretprobes (<c>BPF_F_UPROBE_MULTI_RETURN</c>).</summary>
    public bool ReturnProbe { get; init; }

    /// <summary>
    /// True for a uprobe session (<c>BPF_TRACE_UPROBE_SESSION</c>, Linux 6.13+, libbpf's <c>session</c> option): the
    /// program, loaded with that attach type (a <c>uprobe.session</c> section), runs on entry and, when the entry run
    /// returned 0, again on return (<c>bpf_session_is_return()</c> tells which). Not with <see cref="ReturnProbe"/>.
    /// </summary>
    public bool Session { get; init; }

    /// <summary>Only fire in this process; -1 (the default) or 0 for all processes.</summary>
    public int Pid { get; init; } = -1;

    /// <summary>One BPF cookie per location, in the same order; null for none.</summary>
    public IReadOnlyList<ulong>? Cookies { get; init; }
}
