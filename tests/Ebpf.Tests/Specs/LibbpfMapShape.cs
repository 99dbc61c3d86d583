namespace Ebpf.Tests.Specs;

/// <summary>What <c>BPF_MAP_CREATE</c> gets for a map: type, sizes, max entries and flags.</summary>
public sealed record LibbpfMapShape(uint Type, uint KeySize, uint ValueSize, uint MaxEntries, uint Flags)
{
    /// <summary>The same fields of one of our specs.</summary>
    public static LibbpfMapShape Of(MapSpec spec) => new((uint)spec.Type, spec.KeySize, spec.ValueSize, spec.MaxEntries, (uint)spec.Flags);
}
