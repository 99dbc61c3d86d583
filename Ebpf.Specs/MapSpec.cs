using Ebpf.Btf;

namespace Ebpf.Specs;

/// <summary>
/// Everything needed to create a map: what <c>BPF_MAP_CREATE</c> takes, plus its initial contents, pinning and BTF.
/// Built by <see cref="CollectionSpec.Load(string)"/> or by hand; immutable (use <c>with</c> to change a copy).
/// </summary>
public sealed record MapSpec
{
    /// <summary>The map's name in the object (the kernel sees at most 15 characters of it).</summary>
    public required string Name { get; init; }

    /// <summary>The map type.</summary>
    public required BpfMapType Type { get; init; }

    /// <summary>Key size in bytes; 0 for maps without keys (queue, stack, ring buffer).</summary>
    public uint KeySize { get; init; }

    /// <summary>Value size in bytes.</summary>
    public uint ValueSize { get; init; }

    /// <summary>Maximum number of entries (bytes for a ring buffer).</summary>
    public uint MaxEntries { get; init; }

    /// <summary>Creation flags.</summary>
    public BpfMapFlags Flags { get; init; }

    /// <summary>The <c>map_extra</c> field (bloom filter hash count, arena address).</summary>
    public ulong MapExtra { get; init; }

    /// <summary>NUMA node to allocate on, used with <see cref="BpfMapFlags.NumaNode"/>.</summary>
    public uint NumaNode { get; init; }

    /// <summary>How the map is pinned.</summary>
    public PinType Pinning { get; init; }

    /// <summary>The ELF section the map came from (<c>.maps</c>, <c>maps</c>, <c>.data</c>, ...), or null when built by hand.</summary>
    public string? SectionName { get; init; }

    /// <summary>For map-in-map types, the template of the inner maps.</summary>
    public MapSpec? InnerMap { get; init; }

    /// <summary>Entries written after creation (and, for global data, before freezing).</summary>
    public IReadOnlyList<MapEntry> Contents { get; init; } = [];

    /// <summary>
    /// For an arena (<see cref="BpfMapType.Arena"/>): the initial bytes of the object's <c>__arena</c> globals
    /// (section <c>.addr_space.1</c>), which the loader writes at the start of the arena; their
    /// <see cref="VariableSpec"/>s name this map. Empty otherwise.
    /// </summary>
    public ReadOnlyMemory<byte> ArenaData { get; init; }

    /// <summary>Whether the map is frozen after its contents are written (<c>.rodata</c>, <c>.kconfig</c>).</summary>
    public bool Freeze { get; init; }

    /// <summary>The BTF the key and value types belong to, or null when the map has no BTF.</summary>
    public BtfSpec? Btf { get; init; }

    /// <summary>BTF type of the key, or null.</summary>
    public BtfType? Key { get; init; }

    /// <summary>BTF type of the value (for global data, the section's <c>DATASEC</c>), or null.</summary>
    public BtfType? Value { get; init; }

    /// <summary>The <c>struct_ops</c> value type and the ELF data that initialises it, for <see cref="BpfMapType.StructOps"/>.</summary>
    public StructOpsSpec? StructOps { get; init; }

    /// <summary>Whether this map holds global data (<c>.data</c>, <c>.rodata</c>, <c>.bss</c>, <c>.kconfig</c>): one entry, key 0.</summary>
    public bool IsGlobalData => Type == BpfMapType.Array && MaxEntries == 1 && SectionName is { } s && s.StartsWith('.') && s != ".maps";

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Type}, key {KeySize}, value {ValueSize}, max {MaxEntries}, flags {Flags})";
}
