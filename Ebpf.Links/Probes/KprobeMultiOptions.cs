namespace Ebpf.Links;

/// <summary>How <see cref="ProbeAttachExtensions.AttachKprobeMulti"/> probes its kernel functions.</summary>
public sealed record KprobeMultiOptions
{
    /// <summary>True for kretprobes (<c>BPF_F_KPROBE_MULTI_RETURN</c>).</summary>
    public bool ReturnProbe { get; init; }

    /// <summary>One BPF cookie per function, in the same order; null for none.</summary>
    public IReadOnlyList<ulong>? Cookies { get; init; }
}
