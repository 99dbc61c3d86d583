namespace Ebpf.Links;

/// <summary>How <see cref="ProbeAttachExtensions.AttachUprobeMulti"/> probes its user-space locations.</summary>
public sealed record UprobeMultiOptions
{
    /// <summary>True for uretprobes (<c>BPF_F_UPROBE_MULTI_RETURN</c>).</summary>
    public bool ReturnProbe { get; init; }

    /// <summary>Only fire in this process; -1 (the default) or 0 for all processes.</summary>
    public int Pid { get; init; } = -1;

    /// <summary>One BPF cookie per location, in the same order; null for none.</summary>
    public IReadOnlyList<ulong>? Cookies { get; init; }
}
