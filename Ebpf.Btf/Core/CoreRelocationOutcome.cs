namespace Ebpf.Btf;

/// <summary>What one CO-RE relocation resolves to (libbpf's <c>struct bpf_core_relo_res</c>): the value the
/// compiler put in the instruction according to the program's own BTF, and the value for the target.</summary>
public sealed record CoreRelocationOutcome
{
    /// <summary>The relocation.</summary>
    public required CoreRelocation Relocation { get; init; }

    /// <summary>The value computed from the program's own BTF; the instruction should hold it.</summary>
    public ulong OriginalValue { get; init; }

    /// <summary>The value for the target, written into the instruction.</summary>
    public ulong NewValue { get; init; }

    /// <summary>Whether the original value is checked against the instruction (off for bitfields and target type ids).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>The relocation cannot be satisfied by the target (field or enumerator missing, or a load whose size
    /// cannot be adjusted): the instruction becomes a call to helper <see cref="CoreRelocationPoison.HelperId"/>.</summary>
    public bool Poison { get; init; }

    /// <summary>Size in bytes of the field in the program's BTF (field byte offsets only; 0 otherwise).</summary>
    public int OriginalSize { get; init; }

    /// <summary>Size in bytes of the field in the target (field byte offsets only; 0 otherwise).</summary>
    public int NewSize { get; init; }

    /// <summary>A load or store of this field would need a size change that does not preserve its value
    /// (only signed integers or pointers of different sizes); such an instruction is poisoned.</summary>
    public bool FailMemorySizeAdjust { get; init; }

    /// <summary>The candidate the relocation resolved to, or null when no candidate matched.</summary>
    public CoreCandidate? Target { get; init; }

    /// <summary>The access string as it applies to the target (anonymous members included), or null without a target.</summary>
    public string? TargetAccessString { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Relocation.Kind} [{Relocation.TypeId}] {Relocation.AccessString}: {OriginalValue} -> {(Poison ? "poison" : NewValue.ToString(System.Globalization.CultureInfo.InvariantCulture))}"
        + (Target is { } t ? $" (target [{t.TypeId}] {TargetAccessString})" : " (no target)");
}
