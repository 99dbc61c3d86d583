namespace Ebpf.Kernel;

/// <summary>Options of <see cref="Collection.Load"/>.</summary>
public sealed record CollectionLoadOptions
{
    /// <summary>The default: no pin path, no replacements, the running kernel's BTF.</summary>
    public static CollectionLoadOptions Default { get; } = new();

    /// <summary>
    /// Directory on a bpffs where maps with <see cref="PinType.ByName"/> are pinned under their names. A compatible map
    /// already pinned there is reused (its contents are kept); an incompatible one fails the load. Null: such maps are not pinned.
    /// </summary>
    public string? PinPath { get; init; }

    /// <summary>
    /// Existing maps used instead of creating the spec's map of the same name (for sharing a map between collections).
    /// The collection does not own them: they stay open when it is disposed.
    /// </summary>
    public IReadOnlyDictionary<string, Map>? MapReplacements { get; init; }

    /// <summary>Verifier log, BTF and attach options applied to every program (its <c>Maps</c> are filled in by the collection).</summary>
    public ProgramLoadOptions Programs { get; init; } = ProgramLoadOptions.Default;

    /// <summary>
    /// Whether maps and programs may be created without a debug aid the kernel rejects (object names, BTF, function
    /// and line info), and where such fallbacks are reported. Applies to every map and program of the collection,
    /// replacing <see cref="ProgramLoadOptions.Fallbacks"/> of <see cref="Programs"/>.
    /// </summary>
    public FeatureFallbacks Fallbacks { get; init; } = FeatureFallbacks.Default;

    /// <summary>Whether CO-RE relocations are applied against the kernel BTF before loading (default true).</summary>
    public bool ApplyCoreRelocations { get; init; } = true;

    /// <summary>Names of programs to load even though their section starts with <c>?</c> (<see cref="ProgramSpec.Autoload"/> false).</summary>
    public IReadOnlyCollection<string>? LoadPrograms { get; init; }

    /// <summary>
    /// The values of the collection's <c>__kconfig</c> externs (<c>.kconfig</c> variables), written into a copy of the
    /// spec before loading, as libbpf does. Null: the running kernel's (<see cref="KernelConfig.Load()"/>, read once;
    /// only <c>LINUX_KERNEL_VERSION</c> when the kernel has no config file).
    /// </summary>
    public KernelConfig? KernelConfig { get; init; }

    /// <summary>
    /// The BPF token every map, program and BTF of the collection (and the feature probes of the load) is created
    /// with (Linux 6.9+). The caller keeps ownership. Null: <see cref="TokenPath"/> decides.
    /// </summary>
    public BpfToken? Token { get; init; }

    /// <summary>
    /// When <see cref="Token"/> is null, the bpffs the load takes a token from, by libbpf's <c>bpf_token_path</c> rules:
    /// a path must yield a token (the load fails otherwise); an empty string loads without one. Null: the environment
    /// variable <c>LIBBPF_BPF_TOKEN_PATH</c> (<see cref="BpfToken.PathVariable"/>) with the same meaning, and when it is
    /// unset a token from <c>/sys/fs/bpf</c> if one can be made there (only inside a user namespace), else none. A token
    /// made here belongs to the collection and is closed with it.
    /// </summary>
    public string? TokenPath { get; init; }
}
