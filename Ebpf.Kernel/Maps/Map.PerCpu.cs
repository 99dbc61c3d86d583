using System.Runtime.InteropServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Typed operations of per-CPU maps: one value per possible CPU. The kernel lays a per-CPU value out as
/// <see cref="PossibleCpus.Count"/> slots of <see cref="ValueSize"/> rounded up to 8 bytes; these methods take the
/// values packed (one <c>TValue</c> after the other) and pad them, without copying when the size is a multiple of 8.
/// </summary>
public sealed partial class Map
{
    private const int StackBufferLimit = 1024;

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (<see cref="PossibleCpus.Count"/> long).</summary>
    /// <returns>False when no element has the key.</returns>
    /// <exception cref="ArgumentException">The map is not per-CPU, or a size is wrong.</exception>
    public bool TryLookupPerCpu<TKey, TValue>(in TKey key, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged => TryReadPerCpu(in key, values, delete: false);

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (<see cref="PossibleCpus.Count"/> long) and deletes the element (Linux 5.14).</summary>
    /// <returns>False when no element has the key.</returns>
    /// <exception cref="ArgumentException">The map is not per-CPU, or a size is wrong.</exception>
    public bool TryLookupAndDeletePerCpu<TKey, TValue>(in TKey key, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged => TryReadPerCpu(in key, values, delete: true);

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (<see cref="PossibleCpus.Count"/> long).</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    /// <exception cref="ArgumentException">The map is not per-CPU, or a size is wrong.</exception>
    public void LookupPerCpu<TKey, TValue>(in TKey key, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        if (!TryLookupPerCpu(in key, values))
        {
            throw new EbpfKeyNotFoundException(BpfCommand.MapLookupElem);
        }
    }

    /// <summary>Writes one value per CPU (<see cref="PossibleCpus.Count"/> of them) as the value of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The map is not per-CPU, or a size is wrong.</exception>
    /// <exception cref="EbpfException">The kernel refused (EEXIST, ENOENT per <paramref name="flags"/>, E2BIG when full, ...).</exception>
    public void UpdatePerCpu<TKey, TValue>(in TKey key, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        int slot = CheckPerCpu<TValue>(values.Length, 1);
        if (slot == (int)ValueSize)
        {
            Update(Bytes(in key), MemoryMarshal.AsBytes(values), flags);
            return;
        }

        using var scratch = new ScratchBytes(ValueStride <= StackBufferLimit ? stackalloc byte[ValueStride] : Span<byte>.Empty, ValueStride);
        PadPerCpu(MemoryMarshal.AsBytes(values), scratch.Span, slot);
        Update(Bytes(in key), scratch.Span, flags);
    }

    /// <summary>
    /// Reads the next elements of a walk of a per-CPU map (<c>BPF_MAP_LOOKUP_BATCH</c>): keys into
    /// <paramref name="keys"/>, and for the i-th key its <see cref="PossibleCpus.Count"/> values into
    /// <paramref name="values"/>[i × <see cref="PossibleCpus.Count"/> ..], so <paramref name="values"/> is
    /// <paramref name="keys"/>.Length × <see cref="PossibleCpus.Count"/> long. Allocates nothing when
    /// <typeparamref name="TValue"/> is a multiple of 8 bytes, else pads through a pooled buffer.
    /// </summary>
    /// <returns>The number of elements read; the cursor's <see cref="MapBatchCursor.IsDone"/> turns true at the end.</returns>
    /// <exception cref="ArgumentException">The map is not per-CPU, a size is wrong, or the buffers are smaller than one hash bucket.</exception>
    /// <exception cref="EbpfNotSupportedException">The map type has no batch operations.</exception>
    public int LookupBatchPerCpu<TKey, TValue>(ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged => BatchReadPerCpu(BpfCommand.MapLookupBatch, ref cursor, keys, values);

    /// <summary>As <see cref="LookupBatchPerCpu{TKey, TValue}"/>, deleting what it reads.</summary>
    public int LookupAndDeleteBatchPerCpu<TKey, TValue>(ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged => BatchReadPerCpu(BpfCommand.MapLookupAndDeleteBatch, ref cursor, keys, values);

    /// <summary>
    /// Writes the elements of a per-CPU map (<c>BPF_MAP_UPDATE_BATCH</c>): <paramref name="keys"/>[i] gets the
    /// <see cref="PossibleCpus.Count"/> values <paramref name="values"/>[i × <see cref="PossibleCpus.Count"/> ..],
    /// laid out as <see cref="LookupBatchPerCpu{TKey, TValue}"/> reads them.
    /// </summary>
    /// <returns>The number written (all of them unless an exception says otherwise).</returns>
    /// <exception cref="ArgumentException">A length or type size is wrong, or <paramref name="flags"/> is not Any or Lock (batches take no NoExist/Exist).</exception>
    /// <exception cref="EbpfException">An element failed (E2BIG when full); the elements before it were written.</exception>
    public int UpdateBatchPerCpu<TKey, TValue>(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        int slot = CheckPerCpuBatch<TKey, TValue>(keys.Length, values.Length);
        if (slot == (int)ValueSize)
        {
            return UpdateBatch(MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values), flags);
        }

        using var scratch = new ScratchBytes(Span<byte>.Empty, keys.Length * ValueStride);
        PadPerCpu(MemoryMarshal.AsBytes(values), scratch.Span, slot);
        return UpdateBatch(MemoryMarshal.AsBytes(keys), scratch.Span, flags);
    }

    /// <summary>
    /// The entries of a per-CPU map, read lazily as <see cref="Entries{TKey, TValue}"/> reads them: each key with a
    /// new array of its <see cref="PossibleCpus.Count"/> values.
    /// </summary>
    /// <exception cref="ArgumentException">The map is not per-CPU, or a type's size differs from the map's.</exception>
    public IEnumerable<KeyValuePair<TKey, TValue[]>> EntriesPerCpu<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKeyType<TKey>();
        CheckPerCpu<TValue>(PossibleCpus.Count, 1);
        return WalkEntriesPerCpu<TKey, TValue>();
    }

    private IEnumerable<KeyValuePair<TKey, TValue[]>> WalkEntriesPerCpu<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        TValue[]? values = null;
        foreach (var key in WalkKeys<TKey>())
        {
            // A missed key (deleted meanwhile) leaves its array for the next one.
            values ??= new TValue[PossibleCpus.Count];
            if (TryLookupPerCpu(key, values.AsSpan()))
            {
                yield return new KeyValuePair<TKey, TValue[]>(key, values);
                values = null;
            }
        }
    }

    private bool TryReadPerCpu<TKey, TValue>(in TKey key, Span<TValue> values, bool delete)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        int slot = CheckPerCpu<TValue>(values.Length, 1);

        // Values of a multiple of 8 bytes are the kernel's layout: the kernel writes straight into them.
        bool padded = slot != (int)ValueSize;
        var direct = padded ? Span<byte>.Empty : MemoryMarshal.AsBytes(values);
        using var scratch = new ScratchBytes(padded && ValueStride <= StackBufferLimit ? stackalloc byte[ValueStride] : direct, ValueStride);
        bool found = delete ? TryLookupAndDelete(Bytes(in key), scratch.Span) : TryLookup(Bytes(in key), scratch.Span);
        if (found && padded)
        {
            UnpadPerCpu(scratch.Span, MemoryMarshal.AsBytes(values), slot);
        }

        return found;
    }

    private int BatchReadPerCpu<TKey, TValue>(BpfCommand command, ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        int slot = CheckPerCpuBatch<TKey, TValue>(keys.Length, values.Length);
        if (slot == (int)ValueSize)
        {
            return BatchRead(command, ref cursor, MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values));
        }

        using var scratch = new ScratchBytes(Span<byte>.Empty, keys.Length * ValueStride);
        int read = BatchRead(command, ref cursor, MemoryMarshal.AsBytes(keys), scratch.Span);
        UnpadPerCpu(scratch.Span[..(read * ValueStride)], MemoryMarshal.AsBytes(values), slot);
        return read;
    }

    /// <summary>Copies packed values of <see cref="ValueSize"/> bytes into <paramref name="slots"/> of <paramref name="slot"/> bytes each, zeroing the padding.</summary>
    private void PadPerCpu(ReadOnlySpan<byte> packed, Span<byte> slots, int slot)
    {
        int size = (int)ValueSize;
        for (int i = 0, n = packed.Length / size; i < n; i++)
        {
            var target = slots.Slice(i * slot, slot);
            packed.Slice(i * size, size).CopyTo(target);
            target[size..].Clear();
        }
    }

    /// <summary>Copies the first <see cref="ValueSize"/> bytes of each slot of <paramref name="slot"/> bytes into <paramref name="packed"/>.</summary>
    private void UnpadPerCpu(ReadOnlySpan<byte> slots, Span<byte> packed, int slot)
    {
        int size = (int)ValueSize;
        for (int i = 0, n = slots.Length / slot; i < n; i++)
        {
            slots.Slice(i * slot, size).CopyTo(packed.Slice(i * size, size));
        }
    }

    /// <summary>Checks a per-CPU batch of <paramref name="keys"/> keys and returns the bytes of one CPU's slot.</summary>
    private int CheckPerCpuBatch<TKey, TValue>(int keys, int values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKeyType<TKey>();
        return CheckPerCpu<TValue>(values, keys);
    }

    /// <summary>Checks a per-CPU call for <paramref name="entries"/> elements and returns the bytes of one CPU's slot.</summary>
    private unsafe int CheckPerCpu<TValue>(int count, int entries)
        where TValue : unmanaged
    {
        if (!IsPerCpu)
        {
            throw new ArgumentException($"map {Name} ({Type}) is not a per-CPU map; use Lookup/Update", nameof(TValue));
        }

        if (sizeof(TValue) != ValueSize)
        {
            throw new ArgumentException($"map {Name} has {ValueSize}-byte values, {typeof(TValue).Name} is {sizeof(TValue)} bytes", nameof(TValue));
        }

        long expected = (long)entries * PossibleCpus.Count;
        if (count != expected)
        {
            throw new ArgumentException(
                entries == 1
                    ? $"per-CPU map {Name} needs one value per possible CPU ({PossibleCpus.Count}), got {count}"
                    : $"per-CPU map {Name} needs one value per possible CPU ({PossibleCpus.Count}) for each of {entries} keys ({expected}), got {count}",
                "values");
        }

        if ((long)entries * ValueStride > Array.MaxLength)
        {
            throw new ArgumentException($"{entries} keys of per-CPU map {Name} need more than {Array.MaxLength} bytes of values; pass fewer", "keys");
        }

        return (int)RoundUp8(ValueSize);
    }
}
