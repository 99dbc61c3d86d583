using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// A global variable of a loaded <see cref="Collection"/>, read and written live in its map: through the map's
/// memory when the map is mmapable (<c>BPF_F_MMAPABLE</c>, which global data maps get when they hold a non-static
/// variable, as libbpf creates them), else by looking up and updating the map's only element. A variable in a frozen
/// map (<c>.rodata</c>) reads but does not write. Values are in this machine's byte order.
/// </summary>
public sealed class Variable
{
    private readonly GlobalDataAccess _access;

    internal Variable(VariableSpec spec, GlobalDataAccess access)
    {
        Name = spec.Name;
        MapName = spec.MapName;
        Offset = spec.Offset;
        Size = spec.Size;
        _access = access;
    }

    /// <summary>The variable's name in the object.</summary>
    public string Name { get; }

    /// <summary>The global data map that holds it (<c>.bss</c>, <c>.data</c>, <c>.rodata</c>, ...).</summary>
    public string MapName { get; }

    /// <summary>Its offset in the map's value.</summary>
    public int Offset { get; }

    /// <summary>Its size in bytes.</summary>
    public int Size { get; }

    /// <summary>Whether the map is frozen (<c>.rodata</c>): <see cref="Set{T}"/> and <see cref="Write"/> throw.</summary>
    public bool IsReadOnly => _access.IsReadOnly;

    /// <summary>Whether reads and writes go through the map's memory rather than system calls (mapped on first use).</summary>
    public bool IsMemoryMapped => _access.IsMemoryMapped;

    /// <summary>Reads the variable as <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">The size of <typeparamref name="T"/> differs from <see cref="Size"/>.</exception>
    /// <exception cref="EbpfException">The map cannot be read.</exception>
    public T Get<T>()
        where T : unmanaged
    {
        CheckSize<T>();
        T value = default;
        _access.Read(Offset, MemoryMarshal.AsBytes(new Span<T>(ref value)));
        return value;
    }

    /// <summary>Writes the variable as <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">The size of <typeparamref name="T"/> differs from <see cref="Size"/>.</exception>
    /// <exception cref="InvalidOperationException">The variable is in a frozen map (<c>.rodata</c>).</exception>
    /// <exception cref="EbpfException">The map cannot be written.</exception>
    public void Set<T>(T value)
        where T : unmanaged
    {
        CheckSize<T>();
        _access.Write(Offset, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref value)), Name);
    }

    /// <summary>Copies the variable's bytes into <paramref name="destination"/> (of <see cref="Size"/> bytes at least).</summary>
    /// <exception cref="EbpfException">The map cannot be read.</exception>
    public void Read(Span<byte> destination) => _access.Read(Offset, destination[..Size]);

    /// <summary>Writes the variable's bytes (exactly <see cref="Size"/> of them).</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not <see cref="Size"/> bytes.</exception>
    /// <exception cref="InvalidOperationException">The variable is in a frozen map (<c>.rodata</c>).</exception>
    public void Write(ReadOnlySpan<byte> value)
    {
        if (value.Length != Size)
        {
            throw new ArgumentException($"variable {Name} is {Size} bytes, not {value.Length}", nameof(value));
        }

        _access.Write(Offset, value, Name);
    }

    /// <summary>
    /// The variable's bytes in the map's memory, written and read by programs and this process alike (for example
    /// <c>ref ulong counter = ref MemoryMarshal.AsRef&lt;ulong&gt;(variable.AsSpan())</c>). Valid until the collection is
    /// disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The map is not memory-mapped (<see cref="IsMemoryMapped"/>) or is frozen.</exception>
    public Span<byte> AsSpan()
    {
        var memory = _access.WritableMemory;
        if (memory.IsEmpty)
        {
            throw new InvalidOperationException(IsReadOnly
                ? $"variable {Name} is in {MapName}, which is frozen once loaded"
                : $"variable {Name} is in {MapName}, which is not memory-mapped (created without BPF_F_MMAPABLE): use Get and Set");
        }

        return memory.Slice(Offset, Size);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({MapName}+{Offset}, {Size} bytes{(IsReadOnly ? ", read-only" : "")})";

    private void CheckSize<T>()
        where T : unmanaged
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<T>() != Size)
        {
            throw new ArgumentException($"variable {Name} is {Size} bytes; {typeof(T).Name} is {System.Runtime.CompilerServices.Unsafe.SizeOf<T>()}");
        }
    }
}
