namespace Ebpf.Kernel;

/// <summary>
/// A per-CPU <see cref="Kernel.Map"/> (per-CPU hash, array, LRU hash) viewed with fixed key and value types: a value
/// is one <typeparamref name="TValue"/> per possible CPU (<see cref="PossibleCpus.Count"/>). Operations delegate to
/// the map's allocation-free per-CPU methods. Generated typed classes return it for per-CPU maps with BTF types.
/// Two views are equal when they view the same <see cref="Kernel.Map"/> object.
/// </summary>
/// <typeparam name="TKey">The key type, <see cref="Map.KeySize"/> bytes.</typeparam>
/// <typeparam name="TValue">One CPU's value type, <see cref="Map.ValueSize"/> bytes.</typeparam>
public readonly record struct PerCpuMap<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Views <paramref name="map"/>; sizes are checked by each operation.</summary>
    public PerCpuMap(Map map)
    {
        Map = map ?? throw new ArgumentNullException(nameof(map));
    }

    /// <summary>The untyped map (for pinning, info or byte-span operations).</summary>
    public Map Map { get; }

    /// <summary>The untyped map.</summary>
    public static implicit operator Map(PerCpuMap<TKey, TValue> typed) => typed.Map;

    /// <summary>The untyped map (the named form of the implicit conversion).</summary>
    public Map ToMap() => Map;

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (<see cref="PossibleCpus.Count"/> long); false when no element has it.</summary>
    public bool TryLookup(in TKey key, Span<TValue> values) => Map.TryLookupPerCpu(in key, values);

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (<see cref="PossibleCpus.Count"/> long).</summary>
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

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (<see cref="PossibleCpus.Count"/> long) and deletes the element (Linux 5.14); false when there is none.</summary>
    public bool TryLookupAndDelete(in TKey key, Span<TValue> values) => Map.TryLookupAndDeletePerCpu(in key, values);

    /// <summary>Writes one value per possible CPU (<paramref name="values"/>, <see cref="PossibleCpus.Count"/> long) for <paramref name="key"/>.</summary>
    public void Update(in TKey key, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any) => Map.UpdatePerCpu(in key, values, flags);

    /// <summary>Deletes the element of <paramref name="key"/>; false when there is none. Per-CPU arrays cannot delete: the kernel answers EINVAL, thrown as <see cref="EbpfException"/>.</summary>
    public bool TryDelete(in TKey key) => Map.TryDelete(in key);

    /// <summary>Deletes the element of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public void Delete(in TKey key) => Map.Delete(in key);

    /// <summary>
    /// Reads the next elements of a walk (<c>BPF_MAP_LOOKUP_BATCH</c>, Linux 5.6): the i-th key into
    /// <paramref name="keys"/>[i] and its <see cref="PossibleCpus.Count"/> values, one per CPU, into
    /// <paramref name="values"/>[i × <see cref="PossibleCpus.Count"/> ..]; so <paramref name="values"/> is
    /// <paramref name="keys"/>.Length × <see cref="PossibleCpus.Count"/> long. Start with a <c>default</c> cursor and
    /// stop when it <see cref="MapBatchCursor.IsDone"/>. Allocates nothing when <typeparamref name="TValue"/> is a
    /// multiple of 8 bytes (the kernel's per-CPU slot); other sizes are padded through a pooled buffer.
    /// </summary>
    /// <returns>The number of elements (keys) read.</returns>
    /// <exception cref="ArgumentException">A length or type size is wrong, or the spans are smaller than one hash bucket.</exception>
    /// <exception cref="EbpfNotSupportedException">The map type has no batch operations.</exception>
    public int LookupBatch(ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values) => Map.LookupBatchPerCpu(ref cursor, keys, values);

    /// <summary>As <see cref="LookupBatch"/>, deleting what it reads (<c>BPF_MAP_LOOKUP_AND_DELETE_BATCH</c>; hash maps only).</summary>
    public int LookupAndDeleteBatch(ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values) => Map.LookupAndDeleteBatchPerCpu(ref cursor, keys, values);

    /// <summary>
    /// Writes <paramref name="keys"/>[i] → the <see cref="PossibleCpus.Count"/> values
    /// <paramref name="values"/>[i × <see cref="PossibleCpus.Count"/> ..] in one call (<c>BPF_MAP_UPDATE_BATCH</c>),
    /// laid out as <see cref="LookupBatch"/> reads them.
    /// </summary>
    /// <returns>The number written (all of them unless an exception says otherwise).</returns>
    /// <exception cref="ArgumentException">A length or type size is wrong, or <paramref name="flags"/> is not Any or Lock (batches take no NoExist/Exist).</exception>
    /// <exception cref="EbpfException">An element failed (E2BIG when full); the elements before it were written.</exception>
    public int UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any) =>
        Map.UpdateBatchPerCpu(keys, values, flags);

    /// <summary>Deletes the elements of <paramref name="keys"/> in one call (<c>BPF_MAP_DELETE_BATCH</c>), stopping at the first missing key.</summary>
    /// <returns>The number deleted: fewer than the keys when one was missing.</returns>
    public int DeleteBatch(ReadOnlySpan<TKey> keys) => Map.DeleteBatch(keys);

    /// <summary>The map's keys, read lazily (see <see cref="Map.Keys{TKey}"/>).</summary>
    public IEnumerable<TKey> Keys() => Map.Keys<TKey>();

    /// <summary>The map's entries, read lazily: each key with a new array of its <see cref="PossibleCpus.Count"/> values (see <see cref="Map.EntriesPerCpu{TKey, TValue}"/>).</summary>
    public IEnumerable<KeyValuePair<TKey, TValue[]>> Entries() => Map.EntriesPerCpu<TKey, TValue>();

    /// <inheritdoc />
    public override string ToString() => $"{Map} per CPU as <{typeof(TKey).Name}, {typeof(TValue).Name}>";
}
