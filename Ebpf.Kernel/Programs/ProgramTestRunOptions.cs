namespace Ebpf.Kernel;

/// <summary>Input and output buffers of <see cref="Program.TestRun(ProgramTestRunOptions)"/> (<c>BPF_PROG_TEST_RUN</c>).</summary>
public sealed record ProgramTestRunOptions
{
    /// <summary>Flag of <see cref="Flags"/>: run on <see cref="Cpu"/> (<c>BPF_F_TEST_RUN_ON_CPU</c>).</summary>
    public const uint RunOnCpuFlag = 1;

    /// <summary>Flag of <see cref="Flags"/>: XDP frames go out for real (<c>BPF_F_TEST_XDP_LIVE_FRAMES</c>).</summary>
    public const uint XdpLiveFramesFlag = 2;

    /// <summary>The packet (or other data) the program sees; empty for none.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Receives the data after the run (packet programs may rewrite it); empty to discard it.</summary>
    public Memory<byte> DataOut { get; init; }

    /// <summary>The context the program gets (for example a <c>struct __sk_buff</c> or <c>struct xdp_md</c>); empty for the default.</summary>
    public ReadOnlyMemory<byte> Context { get; init; }

    /// <summary>Receives the context after the run; empty to discard it.</summary>
    public Memory<byte> ContextOut { get; init; }

    /// <summary>How many times to run; the reported duration is the average. 0 and 1 both run once.</summary>
    public uint Repeat { get; init; } = 1;

    /// <summary>Raw <c>flags</c>: <c>BPF_F_TEST_RUN_ON_CPU</c> (1, set by <see cref="Cpu"/>), <c>BPF_F_TEST_XDP_LIVE_FRAMES</c> (2).</summary>
    public uint Flags { get; init; }

    /// <summary>The CPU to run on (sets <c>BPF_F_TEST_RUN_ON_CPU</c>); null for the current one.</summary>
    public uint? Cpu { get; init; }

    /// <summary>Frames per batch with <c>BPF_F_TEST_XDP_LIVE_FRAMES</c>; 0 for the kernel default.</summary>
    public uint BatchSize { get; init; }
}
