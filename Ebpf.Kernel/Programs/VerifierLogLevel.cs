namespace Ebpf.Kernel;

/// <summary>How much the verifier writes to its log (<c>log_level</c> of <c>BPF_PROG_LOAD</c>).</summary>
[Flags]
public enum VerifierLogLevel : uint
{
    /// <summary>No log.</summary>
    None = 0,

    /// <summary>The path that failed, with register state at branches (<c>BPF_LOG_LEVEL1</c>).</summary>
    Branch = 1,

    /// <summary>Every instruction with register state (<c>BPF_LOG_LEVEL2</c>); large.</summary>
    Instruction = 2,

    /// <summary>Verification statistics (<c>BPF_LOG_STATS</c>).</summary>
    Statistics = 4,
}
