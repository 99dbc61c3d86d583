using System.Buffers;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>Typed operations of per-CPU maps: one value per possible CPU.</summary>
public sealed partial class Map
{
    private const int StackBufferLimit = 1024;

    /// <summary>Reads every CPU's value of <paramref name="key"/> into <paramref name="values"/> (<see cref="PossibleCpus.Count"/> long).</summary>
    /// <returns>False when no element has the key.</returns>
    /// <exception cref="ArgumentException">The map is not per-CPU, or a size is wrong.</exception>
    public bool TryLookupPerCpu<TKey, TValue>(in TKey key, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        int slot = CheckPerCpu<TValue>(values.Length);
        if (slot == (int)ValueSize)
        {
            return TryLookup(Bytes(in key), MemoryMarshal.AsBytes(values));
        }

        byte[]? rented = null;
        Span<byte> buffer = ValueStride <= StackBufferLimit ? stackalloc byte[ValueStride] : (rented = ArrayPool<byte>.Shared.Rent(ValueStride)).AsSpan(0, ValueStride);
        try
        {
            if (!TryLookup(Bytes(in key), buffer))
            {
                return false;
            }

            var target = MemoryMarshal.AsBytes(values);
            int size = (int)ValueSize;
            for (int cpu = 0; cpu < values.Length; cpu++)
            {
                buffer.Slice(cpu * slot, size).CopyTo(target.Slice(cpu * size, size));
            }

            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

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
        int slot = CheckPerCpu<TValue>(values.Length);
        if (slot == (int)ValueSize)
        {
            Update(Bytes(in key), MemoryMarshal.AsBytes(values), flags);
            return;
        }

        byte[]? rented = null;
        Span<byte> buffer = ValueStride <= StackBufferLimit ? stackalloc byte[ValueStride] : (rented = ArrayPool<byte>.Shared.Rent(ValueStride)).AsSpan(0, ValueStride);
        try
        {
            buffer.Clear();
            var source = MemoryMarshal.AsBytes(values);
            int size = (int)ValueSize;
            for (int cpu = 0; cpu < values.Length; cpu++)
            {
                source.Slice(cpu * size, size).CopyTo(buffer.Slice(cpu * slot, size));
            }

            Update(Bytes(in key), buffer, flags);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Checks a per-CPU call and returns the bytes of one CPU's slot.</summary>
    private unsafe int CheckPerCpu<TValue>(int count)
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

        if (count != PossibleCpus.Count)
        {
            throw new ArgumentException($"per-CPU map {Name} needs one value per possible CPU ({PossibleCpus.Count}), got {count}", "values");
        }

        return (int)RoundUp8(ValueSize);
    }
}
