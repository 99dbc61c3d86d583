namespace Ebpf.Links;

/// <summary>How <see cref="ProbeAttachExtensions.AttachUprobe"/> probes a user-space function or instruction.</summary>
public sealed record UprobeOptions
{
    /// <summary>True for a uretprobe, which fires when the function returns (the location must be a function entry).</summary>
    public bool ReturnProbe { get; init; }

    /// <summary>Only fire in this process; -1 (the default) for all processes.</summary>
    public int Pid { get; init; } = -1;

    /// <summary>The BPF cookie the program reads with <c>bpf_get_attach_cookie</c> (Linux 5.15+); 0 for none.</summary>
    public ulong Cookie { get; init; }

    /// <summary>
    /// The file offset of a 16-bit reference counter (a USDT semaphore, see <see cref="UprobeSymbols.VariableOffset"/>)
    /// that the kernel increments in every process while the probe is attached (Linux 4.20+); 0 for none.
    /// </summary>
    public ulong ReferenceCounterOffset { get; init; }
}
