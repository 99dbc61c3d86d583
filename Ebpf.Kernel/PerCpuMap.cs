namespace Ebpf.Kernel;

/// <summary>
/// A per-CPU <see cref="Kernel.Map"/> (per-CPU hash, array, LRU hash) viewed with fixed key and value types: a value
/// is one <typeparamref name="TValue"/> per possible CPU (<see cref="PossibleCpus.Count"/>). Operations delegate to
/// the map's allocation-free per-CPU methods. Generated typed classes return it for per-CPU maps with BTF types.
/// </summary>
/// <typeparam name="TKey">The key type, <see cref="Map.KeySize"/> bytes.</typeparam>
/// <typeparam name="TValue">One CPU's value type, <see cref="Map.ValueSize"/> bytes.</typeparam>
public readonly struct PerCpuMap<TKey, TValue> : IEquatable<PerCpuMap<TKey, TValue>>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Views <paramref name="map"/>; sizes are checked by each operation.</summary>
    public PerCpuMap(Map map)
    {
        Map = map ?? throw new ArgumentNullException(nameof(map));
    }

    /// <summary>The untyped map (for pinning, info, batch or byte-span operations).</summary>
    public Map Map { get; }

    /// <summary>The untyped map.</summary>
    public static implicit operator Map(PerCpuMap<TKey, TValue> typed) => typed.Map;

    /// <summary>Compares the underlying maps.</summary>
    public static bool operator ==(PerCpuMap<TKey, TValue> left, PerCpuMap<TKey, TValue> right) => left.Equals(right);

    /// <summary>Compares the underlying maps.</summary>
    public static bool operator !=(PerCpuMap<TKey, TValue> left, PerCpuMap<TKey, TValue> right) => !left.Equals(right);

    /// <summary>The untyped map (the named form of the implicit conversion).</summary>
    public Map ToMap() => Map;

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (at least <see cref="PossibleCpus.Count"/> long); false when no element has it.</summary>
    public bool TryLookup(in TKey key, Span<TValue> values) => Map.TryLookupPerCpu(in key, values);

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (at least <see cref="PossibleCpus.Count"/> long).</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public void Lookup(in TKey key, Span<TValue> values) => Map.LookupPerCpu(in key, values);

    /// <summary>Every CPU's value of <paramref name="key"/>, in a new array of <see cref="PossibleCpus.Count"/> values.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public TValue[] Lookup(in TKey key)
    {
        var values = new TValue[PossibleCpus.Count];
        Map.LookupPerCpu(in key, values.AsSpan());
        return values;
    }

    /// <summary>Writes one value per possible CPU (<paramref name="values"/>, <see cref="PossibleCpus.Count"/> long) for <paramref name="key"/>.</summary>
    public void Update(in TKey key, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any) => Map.UpdatePerCpu(in key, values, flags);

    /// <summary>Deletes the element of <paramref name="key"/>; false when there is none (arrays cannot delete).</summary>
    public bool TryDelete(in TKey key) => Map.TryDelete(in key);

    /// <summary>Deletes the element of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public void Delete(in TKey key) => Map.Delete(in key);

    /// <summary>The map's keys, read lazily (see <see cref="Map.Keys{TKey}"/>).</summary>
    public IEnumerable<TKey> Keys() => Map.Keys<TKey>();

    /// <inheritdoc />
    public bool Equals(PerCpuMap<TKey, TValue> other) => ReferenceEquals(Map, other.Map);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PerCpuMap<TKey, TValue> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Map is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Map);

    /// <inheritdoc />
    public override string ToString() => $"{Map} per CPU as <{typeof(TKey).Name}, {typeof(TValue).Name}>";
}
