using System.Runtime.CompilerServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Element operations over byte spans.</summary>
public sealed partial class Map
{
    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/> (<see cref="ValueStride"/> bytes).</summary>
    /// <returns>False when no element has the key.</returns>
    /// <exception cref="ArgumentException">A buffer has the wrong size.</exception>
    /// <exception cref="EbpfException">The kernel failed for another reason.</exception>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) =>
        NotFoundIsFalse(KeyValueElem(BpfCommand.MapLookupElem, key, value, BpfElemFlags.Any), BpfCommand.MapLookupElem);

    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/> (<see cref="ValueStride"/> bytes).</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    /// <exception cref="ArgumentException">A buffer has the wrong size.</exception>
    public void Lookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        if (!TryLookup(key, value))
        {
            throw new EbpfKeyNotFoundException(BpfCommand.MapLookupElem);
        }
    }

    /// <summary>Writes <paramref name="value"/> (<see cref="ValueStride"/> bytes) as the value of <paramref name="key"/>.</summary>
    /// <returns>
    /// False when <paramref name="flags"/> forbade it (EEXIST for <see cref="MapUpdateFlags.NoExist"/>, ENOENT for
    /// <see cref="MapUpdateFlags.Exist"/>) or the map is full (E2BIG).
    /// </returns>
    /// <exception cref="ArgumentException">A buffer has the wrong size.</exception>
    /// <exception cref="EbpfException">The kernel failed for another reason.</exception>
    public bool TryUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any) =>
        UpdateResult(KeyValueElem(BpfCommand.MapUpdateElem, key, value, (BpfElemFlags)flags));

    /// <summary>Writes <paramref name="value"/> (<see cref="ValueStride"/> bytes) as the value of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">A buffer has the wrong size.</exception>
    /// <exception cref="EbpfException">The kernel refused: EEXIST, ENOENT (per <paramref name="flags"/>), E2BIG (full), ...</exception>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        var errno = KeyValueElem(BpfCommand.MapUpdateElem, key, value, (BpfElemFlags)flags);
        if (errno != Errno.None)
        {
            Throw(errno, BpfCommand.MapUpdateElem);
        }
    }

    /// <summary>Deletes the element of <paramref name="key"/>.</summary>
    /// <returns>False when no element has the key.</returns>
    /// <exception cref="ArgumentException">The key has the wrong size.</exception>
    public unsafe bool TryDelete(ReadOnlySpan<byte> key)
    {
        CheckKey(key.Length);
        fixed (byte* k = key)
        {
            return NotFoundIsFalse(Elem(BpfCommand.MapDeleteElem, k, null, BpfElemFlags.Any), BpfCommand.MapDeleteElem);
        }
    }

    /// <summary>Deletes the element of <paramref name="key"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    /// <exception cref="ArgumentException">The key has the wrong size.</exception>
    public void Delete(ReadOnlySpan<byte> key)
    {
        if (!TryDelete(key))
        {
            throw new EbpfKeyNotFoundException(BpfCommand.MapDeleteElem);
        }
    }

    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/> and deletes the element (Linux 5.14 for hash maps).</summary>
    /// <returns>False when no element has the key.</returns>
    /// <exception cref="ArgumentException">A buffer has the wrong size.</exception>
    /// <exception cref="EbpfNotSupportedException">The kernel has no lookup-and-delete for this map type (hash maps before 5.14).</exception>
    public bool TryLookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value)
    {
        var errno = KeyValueElem(BpfCommand.MapLookupAndDeleteElem, key, value, BpfElemFlags.Any);
        return errno == Errno.None || (errno != Errno.ENOENT && ThrowFor(errno, BpfCommand.MapLookupAndDeleteElem));
    }

    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/> and deletes the element.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    public void LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value)
    {
        if (!TryLookupAndDelete(key, value))
        {
            throw new EbpfKeyNotFoundException(BpfCommand.MapLookupAndDeleteElem);
        }
    }

    /// <summary>
    /// Writes the key after <paramref name="key"/> to <paramref name="nextKey"/>; an empty <paramref name="key"/>
    /// asks for the first key. A key that is not in a hash map also yields the first key.
    /// </summary>
    /// <returns>False after the last key.</returns>
    /// <exception cref="ArgumentException">A buffer has the wrong size.</exception>
    public unsafe bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
        {
            CheckKey(key.Length);
        }

        CheckKey(nextKey.Length, nameof(nextKey));
        fixed (byte* k = key)
        fixed (byte* n = nextKey)
        {
            return NotFoundIsFalse(Elem(BpfCommand.MapGetNextKey, k, n, BpfElemFlags.Any), BpfCommand.MapGetNextKey);
        }
    }

    /// <summary>Writes the key after <paramref name="key"/> (the first key for an empty one) to <paramref name="nextKey"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException"><paramref name="key"/> was the last key.</exception>
    public void NextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!TryGetNextKey(key, nextKey))
        {
            throw new EbpfKeyNotFoundException(BpfCommand.MapGetNextKey);
        }
    }

    /// <summary>
    /// Checks the sizes of <paramref name="key"/> and <paramref name="value"/> and runs an element command on them; returns
    /// the kernel's error number. Lookups write into <paramref name="value"/>: their callers pass a <see cref="Span{T}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe Errno KeyValueElem(BpfCommand command, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElemFlags flags)
    {
        CheckKey(key.Length);
        CheckValue(value.Length);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            return Elem(command, k, v, flags);
        }
    }

    /// <summary>
    /// Runs an element command; returns the kernel's error number. The hot path of every element operation: one
    /// reference on the descriptor for the call (<see cref="FdUse"/>), a 32-byte attribute (only the bytes these
    /// commands use; the kernel zero-fills the rest of <c>union bpf_attr</c>), and for the real kernel a direct
    /// <c>syscall(2)</c> without interface dispatch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe Errno Elem(BpfCommand command, void* key, void* value, BpfElemFlags flags)
    {
        using var use = new FdUse(_fd);
        var attr = new Interop.MapElemAttr { MapFd = use.Fd, Key = (ulong)key, Value = (ulong)value, Flags = flags };
        return _direct ? LinuxBpfSyscalls.MapElem(command, &attr) : ElemThroughInterface(command, attr);
    }

    private Errno ElemThroughInterface(BpfCommand command, in Interop.MapElemAttr attr) => command switch
    {
        BpfCommand.MapLookupElem => _syscalls.TryMapLookupElem(attr),
        BpfCommand.MapUpdateElem => _syscalls.TryMapUpdateElem(attr),
        BpfCommand.MapDeleteElem => _syscalls.TryMapDeleteElem(attr),
        BpfCommand.MapGetNextKey => _syscalls.TryMapGetNextKey(attr),
        _ => _syscalls.TryMapLookupAndDeleteElem(attr),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NotFoundIsFalse(Errno errno, BpfCommand command) =>
        errno == Errno.None || (errno != Errno.ENOENT && Throw(errno, command));

    /// <summary>Whether an update's error number is an ordinary false result (EEXIST, ENOENT per flags, E2BIG when full).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool UpdateResult(Errno errno) =>
        errno == Errno.None || (errno is not (Errno.EEXIST or Errno.ENOENT or Errno.E2BIG) && Throw(errno, BpfCommand.MapUpdateElem));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Throw(Errno errno, BpfCommand command) => throw errno.ToException(command);

    /// <summary>
    /// Throws the exception of <paramref name="command"/> failing on this map: ENOTSUPP/EOPNOTSUPP name the command
    /// and map type, with the first kernel whose maps of this type take it when known.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ThrowFor(Errno errno, BpfCommand command) => throw ExceptionFor(errno, command);

    private Exception ExceptionFor(Errno errno, BpfCommand command) => errno is Errno.EOPNOTSUPP or Errno.ENOTSUPP
        ? new EbpfNotSupportedException(
            $"{KernelNames.Of(command)} on {KernelNames.Of(Type)} maps", MinimumKernelVersions.Of(command, Type), errno, new EbpfException(command, errno))
        : errno.ToException(command);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckKey(int length, string parameter = "key")
    {
        if ((uint)length != KeySize)
        {
            ThrowKeySize(length, parameter);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckValue(int length, string parameter = "value")
    {
        if (length != ValueStride)
        {
            ThrowValueSize(length, parameter);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowKeySize(int length, string parameter) =>
        throw new ArgumentException(
            KeySize == 0
                ? $"map {Name} ({Type}) has no keys; pass an empty key, got {length} bytes"
                : $"map {Name} has {KeySize}-byte keys, got {length} bytes",
            parameter);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowValueSize(int length, string parameter) =>
        throw new ArgumentException(
            IsPerCpu
                ? $"per-CPU map {Name} needs {ValueStride}-byte values ({PossibleCpus.Count} possible CPUs × {RoundUp8(ValueSize)} bytes, {ValueSize} rounded up to 8), got {length} bytes; LookupPerCpu/UpdatePerCpu take one value per CPU"
                : $"map {Name} has {ValueSize}-byte values, got {length} bytes",
            parameter);
}
