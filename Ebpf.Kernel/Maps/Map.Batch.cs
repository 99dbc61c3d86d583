using System.Runtime.InteropServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Batch operations (<c>BPF_MAP_*_BATCH</c>, Linux 5.6): many elements per system call.</summary>
public sealed partial class Map
{
    /// <summary>
    /// Reads the next elements of a walk into <paramref name="keys"/> (a multiple of <see cref="KeySize"/>) and
    /// <paramref name="values"/> (as many elements of <see cref="ValueStride"/>).
    /// </summary>
    /// <returns>The number of elements read; the cursor's <see cref="MapBatchCursor.IsDone"/> turns true at the end.</returns>
    /// <exception cref="ArgumentException">The buffers' sizes disagree, or they are smaller than one hash bucket (ENOSPC).</exception>
    /// <exception cref="EbpfNotSupportedException">The map type has no batch operations.</exception>
    public int LookupBatch(ref MapBatchCursor cursor, Span<byte> keys, Span<byte> values) =>
        BatchRead(BpfCommand.MapLookupBatch, ref cursor, keys, values);

    /// <summary>As <see cref="LookupBatch(ref MapBatchCursor, Span{byte}, Span{byte})"/>, deleting what it reads.</summary>
    public int LookupAndDeleteBatch(ref MapBatchCursor cursor, Span<byte> keys, Span<byte> values) =>
        BatchRead(BpfCommand.MapLookupAndDeleteBatch, ref cursor, keys, values);

    /// <summary>
    /// Reads the next elements of a walk; see <see cref="LookupBatch(ref MapBatchCursor, Span{byte}, Span{byte})"/>.
    /// For per-CPU maps <paramref name="values"/> holds <see cref="ValueStride"/> bytes an element (padded slots);
    /// <see cref="LookupBatchPerCpu{TKey, TValue}"/> takes one <typeparamref name="TValue"/> per CPU instead.
    /// </summary>
    /// <exception cref="ArgumentException">A type's size differs from the map's, or the buffers' sizes disagree.</exception>
    public int LookupBatch<TKey, TValue>(ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged => BatchRead(BpfCommand.MapLookupBatch, ref cursor, keys, values);

    /// <summary>Reads and deletes the next elements of a walk; see <see cref="LookupBatch{TKey, TValue}(ref MapBatchCursor, Span{TKey}, Span{TValue})"/>.</summary>
    public int LookupAndDeleteBatch<TKey, TValue>(ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged => BatchRead(BpfCommand.MapLookupAndDeleteBatch, ref cursor, keys, values);

    /// <summary>
    /// Writes the elements <paramref name="keys"/>[i] → <paramref name="values"/>[i]. <paramref name="flags"/> is
    /// <see cref="MapUpdateFlags.Any"/> or <see cref="MapUpdateFlags.Lock"/>: the kernel takes no
    /// <see cref="MapUpdateFlags.NoExist"/> or <see cref="MapUpdateFlags.Exist"/> for batches.
    /// </summary>
    /// <returns>The number written (all of them unless an exception says otherwise).</returns>
    /// <exception cref="ArgumentException">The buffers' sizes disagree, or <paramref name="flags"/> has NoExist or Exist.</exception>
    /// <exception cref="EbpfException">An element failed (E2BIG when full); the elements before it were written.</exception>
    /// <exception cref="EbpfNotSupportedException">The kernel has no batch updates for this map type (per-CPU arrays before 5.13).</exception>
    public unsafe int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        if ((flags & ~MapUpdateFlags.Lock) != 0)
        {
            throw new ArgumentException(
                $"batch updates take MapUpdateFlags.Any or Lock, not {flags}: the kernel applies NoExist and Exist to single updates only", nameof(flags));
        }

        int count = BatchCount(keys.Length, values.Length);
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            var attr = BatchAttr(k, v, count, (BpfElemFlags)flags);
            var errno = Batch(BpfCommand.MapUpdateBatch, ref attr);
            if (errno != Errno.None)
            {
                ThrowFor(errno, BpfCommand.MapUpdateBatch);
            }
            return (int)attr.Count;
        }
    }

    /// <summary>Writes the elements <paramref name="keys"/>[i] → <paramref name="values"/>[i]; see <see cref="UpdateBatch(ReadOnlySpan{byte}, ReadOnlySpan{byte}, MapUpdateFlags)"/>.</summary>
    public int UpdateBatch<TKey, TValue>(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, MapUpdateFlags flags = MapUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckBatchTypes<TKey, TValue>();
        return UpdateBatch(MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values), flags);
    }

    /// <summary>Deletes the elements of <paramref name="keys"/>, stopping at the first key that has none.</summary>
    /// <returns>The number deleted: fewer than the keys when one was missing.</returns>
    public unsafe int DeleteBatch(ReadOnlySpan<byte> keys)
    {
        int count = BatchCount(keys.Length, null);
        fixed (byte* k = keys)
        {
            var attr = BatchAttr(k, null, count, BpfElemFlags.Any);
            var errno = Batch(BpfCommand.MapDeleteBatch, ref attr);
            if (errno is not (Errno.None or Errno.ENOENT))
            {
                ThrowFor(errno, BpfCommand.MapDeleteBatch);
            }

            return (int)attr.Count;
        }
    }

    /// <summary>Deletes the elements of <paramref name="keys"/>; see <see cref="DeleteBatch(ReadOnlySpan{byte})"/>.</summary>
    public int DeleteBatch<TKey>(ReadOnlySpan<TKey> keys)
        where TKey : unmanaged
    {
        CheckKeyType<TKey>();
        return DeleteBatch(MemoryMarshal.AsBytes(keys));
    }

    /// <summary>Checks the key type, and the value type unless values are per-CPU bytes (<see cref="ValueStride"/> an element).</summary>
    private void CheckBatchTypes<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKeyType<TKey>();
        if (!IsPerCpu)
        {
            CheckValueType<TValue>();
        }
    }

    private int BatchRead<TKey, TValue>(BpfCommand command, ref MapBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckBatchTypes<TKey, TValue>();
        return BatchRead(command, ref cursor, MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values));
    }

    private unsafe int BatchRead(BpfCommand command, ref MapBatchCursor cursor, Span<byte> keys, Span<byte> values)
    {
        int count = BatchCount(keys.Length, values.Length);
        if (cursor.IsDone || count == 0)
        {
            return 0;
        }

        var position = cursor.Position(KeySize);
        fixed (byte* k = keys)
        fixed (byte* v = values)
        fixed (byte* p = position)
        {
            var attr = BatchAttr(k, v, count, BpfElemFlags.Any);
            attr.InBatch = cursor.Started ? (ulong)p : 0;
            attr.OutBatch = (ulong)p;
            var errno = Batch(command, ref attr);
            switch (errno)
            {
                case Errno.None:
                    cursor.Started = true;
                    return (int)attr.Count;
                case Errno.ENOENT:
                    cursor.IsDone = true;
                    return (int)attr.Count;
                case Errno.ENOSPC when attr.Count == 0:
                    throw new ArgumentException(
                        $"batch buffers of {count} elements are smaller than one hash bucket of map {Name}; pass larger buffers", nameof(keys));
                default:
                    throw ExceptionFor(errno, command);
            }
        }
    }

    private int BatchCount(int keyBytes, int? valueBytes)
    {
        if (KeySize == 0)
        {
            throw new ArgumentException($"map {Name} ({Type}) has no keys and no batch operations", "keys");
        }

        if (keyBytes % KeySize != 0)
        {
            throw new ArgumentException($"keys of map {Name} are {KeySize} bytes each; {keyBytes} bytes is not a whole number of keys", "keys");
        }

        int count = keyBytes / (int)KeySize;
        if (valueBytes is { } v && v != (long)count * ValueStride)
        {
            throw new ArgumentException(
                $"{count} keys need {(long)count * ValueStride} bytes of values ({ValueStride} each{(IsPerCpu ? ", per-CPU" : string.Empty)}), got {v}", "values");
        }

        return count;
    }

    private unsafe MapBatchAttr BatchAttr(byte* keys, byte* values, int count, BpfElemFlags flags) =>
        new() { Keys = (ulong)keys, Values = (ulong)values, Count = (uint)count, ElemFlags = flags };

    private Errno Batch(BpfCommand command, ref MapBatchAttr attr)
    {
        using var use = new FdUse(_fd);
        attr.MapFd = use.Fd;
        return command switch
        {
            BpfCommand.MapLookupBatch => _syscalls.TryMapLookupBatch(ref attr),
            BpfCommand.MapLookupAndDeleteBatch => _syscalls.TryMapLookupAndDeleteBatch(ref attr),
            BpfCommand.MapUpdateBatch => _syscalls.TryMapUpdateBatch(ref attr),
            _ => _syscalls.TryMapDeleteBatch(ref attr),
        };
    }
}
