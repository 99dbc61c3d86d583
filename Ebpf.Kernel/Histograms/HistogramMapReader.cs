using System.Buffers;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>Reads the slot counters of histogram map values, summing the CPUs of per-CPU maps.</summary>
internal static class HistogramMapReader
{
    private const int StackBufferLimit = 1024;

    /// <summary>The counters of the element of <paramref name="key"/>, or null when no element has it.</summary>
    public static ulong[]? TryRead(Map map, ReadOnlySpan<byte> key, HistogramLayout layout)
    {
        ArgumentNullException.ThrowIfNull(map);
        var resolved = layout.Resolve(map.ValueSize);
        byte[]? rented = null;
        Span<byte> value = map.ValueStride <= StackBufferLimit
            ? stackalloc byte[StackBufferLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(map.ValueStride));
        value = value[..map.ValueStride];
        try
        {
            if (!map.TryLookup(key, value))
            {
                return null;
            }

            var counts = new ulong[resolved.SlotCount];
            int cpus = map.IsPerCpu ? PossibleCpus.Count : 1;
            int cpuStride = map.IsPerCpu ? map.ValueStride / cpus : map.ValueStride;
            for (int cpu = 0; cpu < cpus; cpu++)
            {
                AddSlots(value.Slice((cpu * cpuStride) + resolved.Offset, resolved.SlotCount * resolved.SlotSize), resolved.SlotSize, counts);
            }

            return counts;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The counters of the element of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public static ulong[] Read(Map map, ReadOnlySpan<byte> key, HistogramLayout layout) =>
        TryRead(map, key, layout) ?? throw new EbpfKeyNotFoundException($"map {map.Name} has no histogram under the key");

    /// <summary>The counters under the all-zero key (index 0 of an array, libbpf-tools' single-histogram maps).</summary>
    public static ulong[] ReadZeroKey(Map map, HistogramLayout layout)
    {
        ArgumentNullException.ThrowIfNull(map);
        Span<byte> key = map.KeySize <= StackBufferLimit ? stackalloc byte[(int)map.KeySize] : new byte[map.KeySize];
        key.Clear();
        return Read(map, key, layout);
    }

    /// <summary>Every key's counters, in the order the kernel walks the keys; keys deleted during the walk are left out.</summary>
    public static IEnumerable<KeyValuePair<TKey, ulong[]>> ReadAll<TKey>(Map map, HistogramLayout layout)
        where TKey : unmanaged
    {
        ArgumentNullException.ThrowIfNull(map);
        _ = layout.Resolve(map.ValueSize);
        return Walk();

        IEnumerable<KeyValuePair<TKey, ulong[]>> Walk()
        {
            foreach (var key in map.Keys<TKey>())
            {
                if (TryRead(map, KeyBytes(key), layout) is { } counts)
                {
                    yield return new KeyValuePair<TKey, ulong[]>(key, counts);
                }
            }
        }
    }

    /// <summary>The bytes of an unmanaged key, as the map's span operations take them.</summary>
    public static ReadOnlySpan<byte> KeyBytes<TKey>(in TKey key)
        where TKey : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));

    private static void AddSlots(ReadOnlySpan<byte> slots, int slotSize, Span<ulong> counts)
    {
        for (int i = 0; i < counts.Length; i++)
        {
            var slot = slots.Slice(i * slotSize, slotSize);
            counts[i] += slotSize == sizeof(uint) ? MemoryMarshal.Read<uint>(slot) : MemoryMarshal.Read<ulong>(slot);
        }
    }
}
