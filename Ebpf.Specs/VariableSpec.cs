using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Specs;

/// <summary>
/// A global variable of a BPF object: a slice of a global data map's value (<c>.data</c>, <c>.rodata</c>, <c>.bss</c>,
/// <c>.kconfig</c>). Reading and writing it changes the initial contents of that map, so constants can be
/// rewritten before the collection loads.
/// </summary>
public sealed class VariableSpec
{
    private readonly Memory<byte> _data;

    /// <summary>Creates a variable over a slice of a global data map's value buffer (shared, not copied).</summary>
    /// <param name="name">The variable's symbol name.</param>
    /// <param name="mapName">The global data map holding it.</param>
    /// <param name="offset">Byte offset in the map's value.</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="data">The map's whole value buffer.</param>
    /// <param name="byteOrder">The object's byte order.</param>
    /// <param name="type">The variable's BTF type, or null.</param>
    /// <param name="isReadOnly">Whether the program sees the variable as constant (<c>.rodata</c>, <c>.kconfig</c>).</param>
    public VariableSpec(string name, string mapName, int offset, int size, byte[] data, ByteOrder byteOrder, BtfType? type = null, bool isReadOnly = false)
        : this(name, mapName, offset, size, new Memory<byte>(data ?? throw new ArgumentNullException(nameof(data))), byteOrder, type, isReadOnly)
    {
    }

    // Over any value buffer, including a lazily allocated zero-filled one (.bss).
    internal VariableSpec(string name, string mapName, int offset, int size, Memory<byte> data, ByteOrder byteOrder, BtfType? type, bool isReadOnly)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(mapName);
        if (offset < 0 || size < 0 || offset > data.Length - size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"variable '{name}' at {offset}+{size} does not fit map '{mapName}' value of {data.Length} bytes");
        }

        Name = name;
        MapName = mapName;
        Offset = offset;
        Size = size;
        _data = data;
        ByteOrder = byteOrder;
        Type = type;
        IsReadOnly = isReadOnly;
    }

    /// <summary>The variable's symbol name.</summary>
    public string Name { get; }

    /// <summary>The global data map holding the variable.</summary>
    public string MapName { get; }

    /// <summary>Byte offset in the map's value.</summary>
    public int Offset { get; }

    /// <summary>Size in bytes.</summary>
    public int Size { get; }

    /// <summary>The object's byte order, used by <see cref="Get{T}"/> and <see cref="Set{T}"/> for primitive types.</summary>
    public ByteOrder ByteOrder { get; }

    /// <summary>The variable's BTF type, or null when the object has no BTF.</summary>
    public BtfType? Type { get; }

    /// <summary>Whether the program sees the variable as a constant (its map is frozen before load).</summary>
    public bool IsReadOnly { get; }

    /// <summary>Whether the variable is a <c>__weak</c> extern (ELF binding <c>STB_WEAK</c>): zero when the kernel has no value for it.</summary>
    public bool IsWeak { get; init; }

    /// <summary>The variable's current bytes, in the object's byte order.</summary>
    public ReadOnlySpan<byte> Bytes =>
        MemoryMarshal.TryGetMemoryManager<byte, ZeroFilledMemory>(_data, out var zeros, out int start, out _)
            ? zeros.Read(start + Offset, Size) // an untouched .bss stays unallocated when read
            : _data.Span.Slice(Offset, Size);

    /// <summary>Overwrites the variable's bytes.</summary>
    /// <param name="value">Exactly <see cref="Size"/> bytes.</param>
    /// <exception cref="ArgumentException">The length differs from <see cref="Size"/>.</exception>
    public void SetBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length != Size)
        {
            throw new ArgumentException($"variable '{Name}' is {Size} bytes, not {value.Length}", nameof(value));
        }

        value.CopyTo(_data.Span.Slice(Offset, Size));
    }

    /// <summary>Reads the variable as <typeparamref name="T"/>, swapping primitive integers and floats from the object's byte order.</summary>
    /// <exception cref="ArgumentException">The size of <typeparamref name="T"/> differs from <see cref="Size"/>.</exception>
    public T Get<T>()
        where T : unmanaged
    {
        CheckSize<T>();
        var value = MemoryMarshal.Read<T>(Bytes);
        return NeedsSwap ? Swap(value) : value;
    }

    /// <summary>Writes the variable as <typeparamref name="T"/>, swapping primitive integers and floats to the object's byte order.</summary>
    /// <exception cref="ArgumentException">The size of <typeparamref name="T"/> differs from <see cref="Size"/>.</exception>
    public void Set<T>(T value)
        where T : unmanaged
    {
        CheckSize<T>();
        if (NeedsSwap)
        {
            value = Swap(value);
        }

        MemoryMarshal.Write(_data.Span.Slice(Offset, Size), in value);
    }

    /// <summary>A copy of this variable over another value buffer (for copying a collection spec).</summary>
    internal VariableSpec WithData(Memory<byte> data) => new(Name, MapName, Offset, Size, data, ByteOrder, Type, IsReadOnly) { IsWeak = IsWeak };

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({MapName}+{Offset}, {Size} bytes)";

    private bool NeedsSwap => (ByteOrder == ByteOrder.BigEndian) == BitConverter.IsLittleEndian;

    private void CheckSize<T>()
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != Size)
        {
            throw new ArgumentException($"variable '{Name}' is {Size} bytes; {typeof(T).Name} is {Unsafe.SizeOf<T>()}");
        }
    }

    private static T Swap<T>(T value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(short) || typeof(T) == typeof(ushort) || typeof(T) == typeof(char) || typeof(T) == typeof(Half))
        {
            var v = BinaryPrimitives.ReverseEndianness(Unsafe.As<T, ushort>(ref value));
            return Unsafe.As<ushort, T>(ref v);
        }

        if (typeof(T) == typeof(int) || typeof(T) == typeof(uint) || typeof(T) == typeof(float))
        {
            var v = BinaryPrimitives.ReverseEndianness(Unsafe.As<T, uint>(ref value));
            return Unsafe.As<uint, T>(ref v);
        }

        if (typeof(T) == typeof(long) || typeof(T) == typeof(ulong) || typeof(T) == typeof(double) || typeof(T) == typeof(nint) || typeof(T) == typeof(nuint))
        {
            var v = BinaryPrimitives.ReverseEndianness(Unsafe.As<T, ulong>(ref value));
            return Unsafe.As<ulong, T>(ref v);
        }

        return value;
    }
}
