namespace Ebpf.Kernel;

/// <summary>What the kernel reports about a loaded program (<c>struct bpf_prog_info</c>), as <see cref="Program.Info"/> returns it.</summary>
public sealed record ProgramInfo
{
    /// <summary>The program's id, unique while it is loaded.</summary>
    public required uint Id { get; init; }

    /// <summary>The program type.</summary>
    public required BpfProgramType Type { get; init; }

    /// <summary>The object name (at most 15 characters; empty when none was given).</summary>
    public required string Name { get; init; }

    /// <summary>The tag: 16 hex digits of the SHA-1 of the instructions, as bpftool prints it.</summary>
    public required string Tag { get; init; }

    /// <summary>Whether the license is GPL compatible.</summary>
    public bool GplCompatible { get; init; }

    /// <summary>When the program was loaded, as time since boot.</summary>
    public TimeSpan LoadTime { get; init; }

    /// <summary>When the program was loaded, in wall-clock time (boot time plus <see cref="LoadTime"/>).</summary>
    public DateTimeOffset LoadedAt { get; init; }

    /// <summary>The user id that loaded the program.</summary>
    public uint CreatedByUid { get; init; }

    /// <summary>Size of the instructions after the verifier's rewrites, in bytes.</summary>
    public uint XlatedSize { get; init; }

    /// <summary>Size of the JIT-compiled code, in bytes; 0 when not JIT-compiled.</summary>
    public uint JitedSize { get; init; }

    /// <summary>Whether the program is JIT-compiled.</summary>
    public bool Jited => JitedSize != 0;

    /// <summary>Ids of the maps the program uses.</summary>
    public IReadOnlyList<uint> MapIds { get; init; } = [];

    /// <summary>Id of the program's BTF object; 0 when loaded without BTF.</summary>
    public uint BtfId { get; init; }

    /// <summary>Number of function info records loaded with the program.</summary>
    public uint FuncInfoCount { get; init; }

    /// <summary>Number of line info records loaded with the program.</summary>
    public uint LineInfoCount { get; init; }

    /// <summary>Number of instructions the verifier processed (Linux 5.16+; 0 before).</summary>
    public uint VerifiedInstructions { get; init; }

    /// <summary>Total run time in nanoseconds, counted while <c>BPF_ENABLE_STATS</c> is on.</summary>
    public ulong RunTimeNanoseconds { get; init; }

    /// <summary>Number of runs, counted while <c>BPF_ENABLE_STATS</c> is on.</summary>
    public ulong RunCount { get; init; }

    /// <summary>Runs skipped because the program was already running on the CPU.</summary>
    public ulong RecursionMisses { get; init; }

    /// <summary>BTF id of the attach target (tracing, LSM, ext programs; Linux 6.0+, 0 before); 0 otherwise.</summary>
    public uint AttachBtfId { get; init; }

    /// <summary>Id of the BTF object holding <see cref="AttachBtfId"/> (Linux 6.0+, 0 before); 0 otherwise.</summary>
    public uint AttachBtfObjectId { get; init; }

    /// <summary>The network device the program is offloaded to; 0 when not offloaded.</summary>
    public uint IfIndex { get; init; }

    /// <summary>Bytes of locked memory charged for the program (the <c>memlock</c> of its fdinfo), or null when unknown.</summary>
    public ulong? MemlockBytes { get; init; }
}
