namespace Ebpf.Kernel;

/// <summary>
/// A <see cref="Kernel.Map"/> viewed with fixed key and value types: every operation delegates to the map's generic,
/// allocation-free element methods (<see cref="Map.TryLookup{TKey, TValue}(in TKey, out TValue)"/> and the others).
/// Generated typed classes return it for maps whose BTF key and value types are known.
/// Two views are equal when they view the same <see cref="Kernel.Map"/> object.
/// </summary>
/// <typeparam name="TKey">The key type, <see cref="Map.KeySize"/> bytes.</typeparam>
/// <typeparam name="TValue">The value type, <see cref="Map.ValueSize"/> bytes.</typeparam>
public readonly record struct TypedMap<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Views <paramref name="map"/>; sizes are checked by each operation.</summary>
    public TypedMap(Map map)
    {
        Map = map ?? throw new ArgumentNullException(nameof(map));
    }

    /// <summary>The untyped map (for pinning, info or byte-span operations).</summary>
    public Map Map { get; }

    /// <summary>The untyped map.</summary>
    public static implicit operator Map(TypedMap<TKey, TValue> typed) => typed.Map;

    /// <summary>The untyped map (the named form of the implicit conversion).</summary>
    public Map ToMap() => Map;

    /// <summary>Reads the value of <paramref name="key"/>; false when no element has it.</summary>
    public bool TryLookup(in TKey key, out TValue value) => Map.TryLookup(in key, out value);

    /// <summary>Reads the value of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public TValue Lookup(in TKey key) => Map.Lookup<TKey, TValue>(in key);

    /// <summary>Writes <paramref name="value"/> for <paramref name="key"/>; false when <paramref name="flags"/> forbade it or the map is full.</summary>
    public bool TryUpdate(in TKey key, in TValue value, MapUpdateFlags flags = MapUpdateFlags.Any) => Map.TryUpdate(in key, in value, flags);

    /// <summary>Writes <paramref name="value"/> for <paramref name="key"/>.</summary>
    /// <exception cref="EbpfException">The kernel refused (EEXIST, ENOENT per <paramref name="flags"/>, E2BIG when full, ...).</exception>
    public void Update(in TKey key, in TValue value, MapUpdateFlags flags = MapUpdateFlags.Any) => Map.Update(in key, in value, flags);

    /// <summary>Deletes the element of <paramref name="key"/>; false when there is none.</summary>
    public bool TryDelete(in TKey key) => Map.TryDelete(in key);

    /// <summary>Deletes the element of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public void Delete(in TKey key) => Map.Delete(in key);

    /// <summary>Reads and deletes the value of <paramref name="key"/>; false when no element has it.</summary>
    public bool TryLookupAndDelete(in TKey key, out TValue value) => Map.TryLookupAndDelete(in key, out value);

    /// <summary>Reads and deletes the value of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public TValue LookupAndDelete(in TKey key) => Map.LookupAndDelete<TKey, TValue>(in key);

    /// <summary>
    /// Reads the next elements of a walk (<c>BPF_MAP_LOOKUP_BATCH</c>, Linux 5.6) into <paramref name="keys"/> and
    /// <paramref name="values"/> (as long as <paramref name="keys"/>); start with a <c>default</c> cursor and stop when
    /// it <see cref="MapBatchCursor.IsDone"/>. Allocates nothing.
    /// </summary>
    /// <returns>The number of elements read.</returns>
    /// <exception cref="ArgumentException">The spans' lengths differ, a type's size is wrong, or the spans are smaller than one hash bucket.</exception>
    /// <exception cref="EbpfNotSupportedException">The map type has no batch operations.</exception>
    public int LookupBatch(ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values) => Map.LookupBatch(ref cursor, keys, values);

    /// <summary>As <see cref="LookupBatch"/>, deleting what it reads (<c>BPF_MAP_LOOKUP_AND_DELETE_BATCH</c>; hash maps only).</summary>
    public int LookupAndDeleteBatch(ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values) => Map.LookupAndDeleteBatch(ref cursor, keys, values);

    /// <summary>Writes <paramref name="keys"/>[i] → <paramref name="values"/>[i] in one call (<c>BPF_MAP_UPDATE_BATCH</c>).</summary>
    /// <returns>The number written (all of them unless an exception says otherwise).</returns>
    /// <exception cref="ArgumentException">A length or type size is wrong, or <paramref name="flags"/> is not Any or Lock (batches take no NoExist/Exist).</exception>
    /// <exception cref="EbpfException">An element failed (E2BIG when full); the elements before it were written.</exception>
    public int UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any) =>
        Map.UpdateBatch(keys, values, flags);

    /// <summary>Deletes the elements of <paramref name="keys"/> in one call (<c>BPF_MAP_DELETE_BATCH</c>), stopping at the first missing key.</summary>
    /// <returns>The number deleted: fewer than the keys when one was missing.</returns>
    public int DeleteBatch(ReadOnlySpan<TKey> keys) => Map.DeleteBatch(keys);

    /// <summary>The map's keys, read lazily (see <see cref="Map.Keys{TKey}"/>).</summary>
    public IEnumerable<TKey> Keys() => Map.Keys<TKey>();

    /// <summary>The map's entries, read lazily (see <see cref="Map.Entries{TKey, TValue}"/>).</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> Entries() => Map.Entries<TKey, TValue>();

    /// <inheritdoc />
    public override string ToString() => $"{Map} as <{typeof(TKey).Name}, {typeof(TValue).Name}>";
}
