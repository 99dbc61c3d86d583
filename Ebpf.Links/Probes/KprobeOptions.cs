namespace Ebpf.Links;

/// <summary>How <see cref="ProbeAttachExtensions.AttachKprobe"/> probes a kernel function.</summary>
public sealed record KprobeOptions
{
    /// <summary>True for a kretprobe, which fires when the function returns.</summary>
    public bool ReturnProbe { get; init; }

    /// <summary>The offset into the function; 0 for its entry. Kretprobes take none.</summary>
    public ulong Offset { get; init; }

    /// <summary>The BPF cookie the program reads with <c>bpf_get_attach_cookie</c> (Linux 5.15+); 0 for none.</summary>
    public ulong Cookie { get; init; }
}
