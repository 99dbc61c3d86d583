using Ebpf.Btf;
using Ebpf.Specs;

namespace Ebpf.Kernel;

/// <summary>How <see cref="Program.Load"/> resolves what a <see cref="ProgramSpec"/> leaves symbolic, and how it talks to the verifier.</summary>
public sealed record ProgramLoadOptions
{
    /// <summary>The default: no maps, the running kernel's BTF, a verifier log only on failure.</summary>
    public static ProgramLoadOptions Default { get; } = new();

    /// <summary>The smallest verifier log buffer tried after a failure (64 KiB).</summary>
    public const int MinimumLogSize = 64 * 1024;

    /// <summary>
    /// The smallest log buffer of the retry that explains a failed load (16 MiB, as libbpf): large enough for nearly
    /// every rejection, so the verifier runs twice. A larger log keeps its end (Linux 6.4+), which names the error.
    /// </summary>
    public const int FailureLogSize = 16 * 1024 * 1024;

    /// <summary>The largest verifier log buffer the kernel accepts (<c>UINT_MAX &gt;&gt; 2</c>, 1 GiB - 1).</summary>
    public const int MaximumLogSize = (int)(uint.MaxValue >> 2);

    /// <summary>
    /// Map descriptors by map name, for <c>lddw</c> instructions referring to a map (<see cref="Ebpf.Asm.PseudoSource.MapFd"/>,
    /// <see cref="Ebpf.Asm.PseudoSource.MapValue"/>). Looked up before <see cref="MapResolver"/>.
    /// </summary>
    public IReadOnlyDictionary<string, BpfFileDescriptor>? Maps { get; init; }

    /// <summary>Resolves a map name to its descriptor when <see cref="Maps"/> has no entry; null when unknown.</summary>
    public Func<string, BpfFileDescriptor?>? MapResolver { get; init; }

    /// <summary>The kernel BTF for kfunc calls, ksyms and attach targets; <see cref="KernelBtf.Shared"/> when null.</summary>
    public KernelBtf? KernelBtf { get; init; }

    /// <summary>
    /// The verifier log to request on the first attempt, kept in <see cref="Program.VerifierLog"/>. With
    /// <see cref="VerifierLogLevel.None"/> (the default) the first attempt has no log and a failed load is repeated
    /// once with <see cref="VerifierLogLevel.Branch"/> and a buffer of at least <see cref="FailureLogSize"/> to explain the failure.
    /// </summary>
    public VerifierLogLevel LogLevel { get; init; }

    /// <summary>
    /// The log buffer size of a first attempt with a log. When the log does not fit, Linux 6.4+ reports the size it
    /// needs and the load is repeated once with exactly that; older kernels grow it four-fold up to <see cref="MaximumLogSize"/>.
    /// </summary>
    public int LogSize { get; init; } = MinimumLogSize;

    /// <summary>
    /// The program an <c>freplace</c> (<see cref="BpfProgramType.Ext"/>) or a tracing program attached to a BPF program
    /// targets; <see cref="ProgramSpec.AttachTo"/> names the function in it. Null to attach to the kernel.
    /// </summary>
    public BpfFileDescriptor? AttachProgram { get; init; }

    /// <summary>An explicit <c>attach_btf_id</c>, which skips resolving <see cref="ProgramSpec.AttachTo"/>; 0 to resolve it.</summary>
    public uint AttachBtfId { get; init; }

    /// <summary>Whether to load the program's BTF with function and line info (default true; skipped when the kernel rejects it).</summary>
    public bool LoadProgramBtf { get; init; } = true;

    /// <summary>
    /// Whether the load may go on without a debug aid the kernel rejects (object name, BTF, function and line info),
    /// and where such fallbacks are reported. <see cref="Collection.Load"/> sets it from <see cref="CollectionLoadOptions.Fallbacks"/>.
    /// </summary>
    public FeatureFallbacks Fallbacks { get; init; } = FeatureFallbacks.Default;

    /// <summary>
    /// The BPF token the program and its BTF are loaded with (Linux 6.9+), for a process without CAP_BPF in the
    /// initial user namespace; null to rely on the process's own capabilities. <see cref="Collection.Load"/> loads its
    /// programs with <see cref="CollectionLoadOptions.Token"/> (or the token of <see cref="CollectionLoadOptions.TokenPath"/>) when it has one.
    /// </summary>
    public BpfToken? Token { get; init; }

    /// <summary>Network device to offload the program to (<c>prog_ifindex</c>); 0 for none.</summary>
    public uint IfIndex { get; init; }

    /// <summary>The kallsyms file typeless ksyms are looked up in; null for <c>/proc/kallsyms</c> (tests give their own).</summary>
    internal string? KernelSymbolsPath { get; init; }

    /// <summary>The kernel configuration EPERM explanations consult; null for the running kernel's (tests give their own).</summary>
    internal KernelConfig? KernelConfig { get; init; }

    /// <summary>The status file the effective capabilities are read from; null for <c>/proc/self/status</c> (tests give their own).</summary>
    internal string? ProcessStatusPath { get; init; }

    /// <summary>The securityfs directory (<c>lsm</c>, <c>lockdown</c>); null for <c>/sys/kernel/security</c> (tests give their own).</summary>
    internal string? SecurityDirectory { get; init; }

    /// <summary>The object's BTF a collection load loaded once; programs of that BTF reference it instead of loading their own.</summary>
    internal CollectionBtf? CollectionBtf { get; init; }
}
