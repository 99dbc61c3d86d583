namespace Ebpf.Kernel;

/// <summary>Walking a map's keys and entries with <c>BPF_MAP_GET_NEXT_KEY</c>.</summary>
public sealed partial class Map
{
    /// <summary>
    /// The map's keys, read lazily. When the key the walk stands on is deleted meanwhile, the kernel restarts from
    /// the first key; keys already returned are then skipped, so each key comes at most once and keys that exist
    /// for the whole walk come exactly once.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="TKey"/> is not <see cref="KeySize"/> bytes.</exception>
    /// <exception cref="EbpfException">Keys vanished so often that the walk restarted more than <see cref="MaxEntries"/> times.</exception>
    public IEnumerable<TKey> Keys<TKey>()
        where TKey : unmanaged
    {
        CheckKeyType<TKey>();
        return WalkKeys<TKey>();
    }

    /// <summary>
    /// The map's entries, read lazily: keys as <see cref="Keys{TKey}"/> walks them, each with its value read when
    /// reached; a key deleted between the two steps is left out.
    /// </summary>
    /// <exception cref="ArgumentException">A type's size differs from the map's key or value size (per-CPU maps: use <see cref="EntriesPerCpu{TKey, TValue}"/>).</exception>
    public IEnumerable<KeyValuePair<TKey, TValue>> Entries<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKeyType<TKey>();
        CheckValueType<TValue>();
        return WalkEntries<TKey, TValue>();
    }

    private IEnumerable<KeyValuePair<TKey, TValue>> WalkEntries<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        foreach (var key in WalkKeys<TKey>())
        {
            if (TryLookup(key, out TValue value))
            {
                yield return new KeyValuePair<TKey, TValue>(key, value);
            }
        }
    }

    private IEnumerable<TKey> WalkKeys<TKey>()
        where TKey : unmanaged
    {
        // Array keys never vanish: no restart, nothing to remember.
        bool stable = Type is BpfMapType.Array or BpfMapType.PercpuArray or BpfMapType.ProgArray or BpfMapType.PerfEventArray
            or BpfMapType.CgroupArray or BpfMapType.ArrayOfMaps;
        var seen = stable ? null : new HashSet<TKey>(UnmanagedBytesComparer<TKey>.Instance);
        long restartLimit = Math.Max(MaxEntries, 64u);
        // A restart revisits at most the map's keys before a new one (or the end) comes, but concurrent deletes can
        // restart it again midway, so revisits are bounded for the whole walk (restart limit times the map size),
        // not per restart: only a walk that far past every plausible restart is taken to be endless.
        long revisitLimit = (restartLimit + 1) * restartLimit;
        long restarts = 0;
        long revisits = 0;
        bool inRestart = false;
        if (!TryGetFirstKey(out TKey key))
        {
            yield break;
        }

        while (true)
        {
            if (seen is null || seen.Add(key))
            {
                inRestart = false;
                yield return key;
            }
            else
            {
                if (++revisits > revisitLimit)
                {
                    throw new EbpfException($"walking map {Name} revisited {revisits} keys without reaching its end: the kernel's key order changed during the walk");
                }

                if (!inRestart)
                {
                    inRestart = true;
                    if (++restarts > restartLimit)
                    {
                        throw new EbpfException($"walking map {Name} restarted {restarts} times: keys are deleted faster than they are read");
                    }
                }
            }

            if (!TryGetNextKey(key, out key))
            {
                yield break;
            }
        }
    }

    private unsafe void CheckKeyType<TKey>()
        where TKey : unmanaged
    {
        if (sizeof(TKey) != KeySize)
        {
            throw new ArgumentException($"map {Name} has {KeySize}-byte keys, {typeof(TKey).Name} is {sizeof(TKey)} bytes", nameof(TKey));
        }
    }

    private unsafe void CheckValueType<TValue>()
        where TValue : unmanaged
    {
        if (sizeof(TValue) != ValueStride)
        {
            throw new ArgumentException(
                IsPerCpu
                    ? $"per-CPU map {Name} has one value per CPU; use EntriesPerCpu"
                    : $"map {Name} has {ValueSize}-byte values, {typeof(TValue).Name} is {sizeof(TValue)} bytes",
                nameof(TValue));
        }
    }
}
