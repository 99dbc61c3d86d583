using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Element operations over <c>unmanaged</c> keys and values, whose size must equal the map's.</summary>
public sealed partial class Map
{
    /// <summary>Reads the value of <paramref name="key"/>.</summary>
    /// <returns>False (and a default <paramref name="value"/>) when no element has the key.</returns>
    /// <exception cref="ArgumentException">The type sizes differ from the map's key and value sizes.</exception>
    public unsafe bool TryLookup<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKey(sizeof(TKey));
        CheckValue(sizeof(TValue));
        value = default;
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            return NotFoundIsFalse(Elem(BpfCommand.MapLookupElem, k, v, BpfElemFlags.Any), BpfCommand.MapLookupElem);
        }
    }

    /// <summary>Reads the value of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    /// <exception cref="ArgumentException">The type sizes differ from the map's key and value sizes.</exception>
    public unsafe TValue Lookup<TKey, TValue>(in TKey key)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        return TryLookup(in key, out TValue value) ? value : throw new EbpfKeyNotFoundException(BpfCommand.MapLookupElem);
    }

    /// <summary>Writes <paramref name="value"/> as the value of <paramref name="key"/>.</summary>
    /// <returns>False when <paramref name="flags"/> forbade it or the map is full; see <see cref="TryUpdate(ReadOnlySpan{byte}, ReadOnlySpan{byte}, MapUpdateFlags)"/>.</returns>
    public bool TryUpdate<TKey, TValue>(in TKey key, in TValue value, MapUpdateFlags flags = MapUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged => UpdateResult(UpdateElem(in key, in value, flags));

    /// <summary>Writes <paramref name="value"/> as the value of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfException">The kernel refused (EEXIST, ENOENT per <paramref name="flags"/>, E2BIG when full, ...).</exception>
    public void Update<TKey, TValue>(in TKey key, in TValue value, MapUpdateFlags flags = MapUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        var errno = UpdateElem(in key, in value, flags);
        if (errno != Errno.None)
        {
            Throw(errno, BpfCommand.MapUpdateElem);
        }
    }

    /// <summary>Deletes the element of <paramref name="key"/>; false when there is none.</summary>
    public unsafe bool TryDelete<TKey>(in TKey key)
        where TKey : unmanaged
    {
        CheckKey(sizeof(TKey));
        fixed (TKey* k = &key)
        {
            return NotFoundIsFalse(Elem(BpfCommand.MapDeleteElem, k, null, BpfElemFlags.Any), BpfCommand.MapDeleteElem);
        }
    }

    /// <summary>Deletes the element of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public void Delete<TKey>(in TKey key)
        where TKey : unmanaged => Delete(Bytes(in key));

    /// <summary>Reads and deletes the element of <paramref name="key"/>; false when there is none.</summary>
    public bool TryLookupAndDelete<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        value = default;
        return TryLookupAndDelete(Bytes(in key), WritableBytes(ref value));
    }

    /// <summary>Reads and deletes the element of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public TValue LookupAndDelete<TKey, TValue>(in TKey key)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        TValue value = default;
        LookupAndDelete(Bytes(in key), WritableBytes(ref value));
        return value;
    }

    /// <summary>The key after <paramref name="key"/> (the first key when <paramref name="key"/> is not in a hash map); false after the last.</summary>
    public unsafe bool TryGetNextKey<TKey>(in TKey key, out TKey nextKey)
        where TKey : unmanaged
    {
        // A copy: the caller may pass the same variable as key and nextKey.
        TKey current = key;
        CheckKey(sizeof(TKey));
        nextKey = default;
        fixed (TKey* n = &nextKey)
        {
            return NotFoundIsFalse(Elem(BpfCommand.MapGetNextKey, &current, n, BpfElemFlags.Any), BpfCommand.MapGetNextKey);
        }
    }

    /// <summary>The first key; false when the map is empty.</summary>
    public unsafe bool TryGetFirstKey<TKey>(out TKey key)
        where TKey : unmanaged
    {
        CheckKey(sizeof(TKey));
        key = default;
        fixed (TKey* n = &key)
        {
            return NotFoundIsFalse(Elem(BpfCommand.MapGetNextKey, null, n, BpfElemFlags.Any), BpfCommand.MapGetNextKey);
        }
    }

    /// <summary>The key after <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException"><paramref name="key"/> was the last key.</exception>
    public TKey NextKey<TKey>(in TKey key)
        where TKey : unmanaged
    {
        TKey next = default;
        NextKey(Bytes(in key), WritableBytes(ref next));
        return next;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe Errno UpdateElem<TKey, TValue>(in TKey key, in TValue value, MapUpdateFlags flags)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKey(sizeof(TKey));
        CheckValue(sizeof(TValue));
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            return Elem(BpfCommand.MapUpdateElem, k, v, (BpfElemFlags)flags);
        }
    }

    private static ReadOnlySpan<byte> Bytes<T>(in T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    private static Span<byte> WritableBytes<T>(ref T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new Span<T>(ref value));
}
