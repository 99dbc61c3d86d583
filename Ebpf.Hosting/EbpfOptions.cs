namespace Ebpf.Hosting;

/// <summary>
/// Settings of <see cref="EbpfServiceCollectionExtensions.AddEbpf(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{EbpfOptions}?)"/>,
/// bound from the <c>Ebpf</c> configuration section when configuration is given.
/// </summary>
public sealed class EbpfOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Ebpf";

    /// <summary>Directory on a bpffs where maps and links are pinned by name (default <c>/sys/fs/bpf</c>).</summary>
    public string PinPath { get; set; } = "/sys/fs/bpf";

    /// <summary>Verifier log level used when a load fails and is retried with a log: 1 (default) or 2 (every instruction).</summary>
    public int VerifierLogLevel { get; set; } = 1;

    /// <summary>Starting verifier log buffer size in bytes; the buffer grows until the log fits (default 64 KiB).</summary>
    public int VerifierLogSize { get; set; } = 64 * 1024;

    /// <summary>The kernel BTF file used for CO-RE, kfuncs and attach targets (default <c>/sys/kernel/btf/vmlinux</c>).</summary>
    public string? KernelBtfPath { get; set; }

    /// <summary>Directory of the kernel modules' BTF files (default <c>/sys/kernel/btf</c>).</summary>
    public string? ModuleBtfDirectory { get; set; }

    /// <summary>What to do about <c>RLIMIT_MEMLOCK</c> at host start.</summary>
    public MemlockPolicy Memlock { get; set; } = MemlockPolicy.RaiseWhenNeeded;

    /// <summary>
    /// The delegated bpffs each collection takes its BPF token from (Linux 6.9+; for a host in an unprivileged
    /// container): <see cref="Ebpf.Kernel.CollectionLoadOptions.TokenPath"/>. Null (default): libbpf's rules, the
    /// <c>LIBBPF_BPF_TOKEN_PATH</c> environment variable, else <c>/sys/fs/bpf</c> when it yields a token; empty: no token.
    /// </summary>
    public string? TokenPath { get; set; }

    /// <summary>How loads react when the kernel lacks an optional feature.</summary>
    public FeatureFallbackPolicy FeatureFallback { get; set; } = FeatureFallbackPolicy.Fallback;
}
