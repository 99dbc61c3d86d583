namespace Ebpf.Specs;

/// <summary>Flags of <c>BPF_PROG_LOAD</c> (<c>prog_flags</c>) that a section name can imply.</summary>
[Flags]
public enum ProgramFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary><c>BPF_F_STRICT_ALIGNMENT</c>.</summary>
    StrictAlignment = 1 << 0,

    /// <summary><c>BPF_F_ANY_ALIGNMENT</c>.</summary>
    AnyAlignment = 1 << 1,

    /// <summary><c>BPF_F_TEST_RND_HI32</c>.</summary>
    TestRandomHigh32 = 1 << 2,

    /// <summary><c>BPF_F_TEST_STATE_FREQ</c>.</summary>
    TestStateFrequency = 1 << 3,

    /// <summary><c>BPF_F_SLEEPABLE</c>: the program may sleep (<c>.s</c> sections).</summary>
    Sleepable = 1 << 4,

    /// <summary><c>BPF_F_XDP_HAS_FRAGS</c>: an XDP program that handles multi-buffer packets (<c>xdp.frags</c>).</summary>
    XdpHasFrags = 1 << 5,

    /// <summary><c>BPF_F_XDP_DEV_BOUND_ONLY</c>.</summary>
    XdpDeviceBoundOnly = 1 << 6,

    /// <summary><c>BPF_F_TEST_REG_INVARIANTS</c>.</summary>
    TestRegisterInvariants = 1 << 7,

    /// <summary><c>BPF_F_TOKEN_FD</c> (Linux 6.9+): <c>prog_token_fd</c> holds a BPF token. Set at load when a token is given, never by a section name.</summary>
    TokenFd = 1 << 16,
}
