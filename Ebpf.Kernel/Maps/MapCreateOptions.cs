namespace Ebpf.Kernel;

/// <summary>Options of <see cref="Map.Create"/>.</summary>
public sealed record MapCreateOptions
{
    /// <summary>
    /// Resolves the <see cref="Ebpf.Specs.MapEntry.ValueReference"/> of initial entries (a program for a program
    /// array, a map for a map-in-map) to the descriptor whose number becomes the value. The caller keeps ownership
    /// of the returned descriptor. Null when the contents have no references.
    /// </summary>
    public Func<string, BpfFileDescriptor>? ResolveValueReference { get; init; }

    /// <summary>
    /// Directory on a bpffs for maps with <see cref="Ebpf.Specs.PinType.ByName"/>: a map already pinned there under the
    /// spec's name is opened (and must be compatible by the rule <see cref="Collection.Load"/> applies: the spec's type,
    /// key and value size, max entries and flags, ignoring the flags the kernel adds or that do not change the shape);
    /// otherwise the map is created and pinned there. Null to ignore <see cref="Ebpf.Specs.MapSpec.Pinning"/>.
    /// </summary>
    public string? PinDirectory { get; init; }

    /// <summary>
    /// Whether the map may be created without a debug aid the kernel rejects (its name, its key/value BTF), and where
    /// such fallbacks are reported.
    /// </summary>
    public FeatureFallbacks Fallbacks { get; init; } = FeatureFallbacks.Default;

    /// <summary>The name to give the kernel instead of the spec's (global data maps: libbpf's <c>object.rodata</c>).</summary>
    internal string? KernelName { get; init; }

    /// <summary>The object's BTF a collection load loaded once; a map of that BTF takes its key and value ids from it.</summary>
    internal CollectionBtf? CollectionBtf { get; init; }

    /// <summary>
    /// The BPF token the map, its BTF and inner map are created with (Linux 6.9+), for a process without CAP_BPF in the
    /// initial user namespace; null to rely on the process's own capabilities.
    /// </summary>
    public BpfToken? Token { get; init; }
}
