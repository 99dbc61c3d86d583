namespace Ebpf.Links;

/// <summary>How <see cref="UsdtAttachExtensions.AttachUsdt"/> attaches to a USDT probe (libbpf's <c>bpf_usdt_opts</c> and the PID argument).</summary>
public sealed record UsdtOptions
{
    /// <summary>Only fire in this process; -1 (the default) for all processes, 0 for the calling process.</summary>
    public int Pid { get; init; } = -1;

    /// <summary>
    /// The value the program reads with usdt.bpf.h's <c>bpf_usdt_cookie</c>, the same for every site of the probe
    /// (the BPF cookie itself carries the spec id, as with libbpf).
    /// </summary>
    public ulong Cookie { get; init; }
}
