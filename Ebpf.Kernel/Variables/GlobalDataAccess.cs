namespace Ebpf.Kernel;

/// <summary>
/// Reads and writes the value of one global data map (<c>.bss</c>, <c>.data</c>, <c>.rodata</c>, ...) for its
/// <see cref="Variable"/>s: through the map's memory when it was created mmapable (mapped on first use, read-only for
/// a frozen map), else by looking up and updating key 0.
/// </summary>
internal sealed class GlobalDataAccess : IDisposable
{
    private readonly Map _map;
    private readonly Lazy<MapMemory?> _memory;

    public GlobalDataAccess(Map map, bool readOnly)
    {
        _map = map;
        IsReadOnly = readOnly;
        _memory = new Lazy<MapMemory?>(MapMemoryIfPossible, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Whether the map is frozen (<c>.rodata</c>): programs read it, nobody writes it.</summary>
    public bool IsReadOnly { get; }

    /// <summary>Whether the value is read and written through the map's memory.</summary>
    public bool IsMemoryMapped => _memory.Value is not null;

    /// <summary>The mapped value, or an empty span when the map is not memory-mapped or is read-only.</summary>
    public Span<byte> WritableMemory => _memory.Value is { IsWritable: true } memory ? memory.Span : [];

    /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="offset"/> of the value.</summary>
    public void Read(int offset, Span<byte> destination)
    {
        if (_memory.Value is { } memory)
        {
            memory.ReadOnlySpan.Slice(offset, destination.Length).CopyTo(destination);
            return;
        }

        var value = new byte[_map.ValueSize];
        _map.Lookup(stackalloc byte[(int)_map.KeySize], value);
        value.AsSpan(offset, destination.Length).CopyTo(destination);
    }

    /// <summary>Writes <paramref name="source"/> at <paramref name="offset"/> of the value.</summary>
    /// <param name="offset">Where in the value.</param>
    /// <param name="source">The bytes.</param>
    /// <param name="variable">The variable's name, for the error.</param>
    /// <exception cref="InvalidOperationException">The map is frozen.</exception>
    public void Write(int offset, ReadOnlySpan<byte> source, string variable)
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException(
                $"variable {variable} is in {_map.Name}, which is frozen once loaded: set it in the spec before loading (CollectionSpec.Variables or the generated Variables over LoadSpec())");
        }

        if (_memory.Value is { } memory)
        {
            source.CopyTo(memory.Span.Slice(offset, source.Length));
            return;
        }

        // Without mmap the whole value is read, changed and written back: a program's write in between is lost.
        var value = new byte[_map.ValueSize];
        Span<byte> key = stackalloc byte[(int)_map.KeySize];
        _map.Lookup(key, value);
        source.CopyTo(value.AsSpan(offset));
        _map.Update(key, value);
    }

    /// <summary>Unmaps the memory if it was mapped.</summary>
    public void Dispose()
    {
        if (_memory.IsValueCreated)
        {
            _memory.Value?.Dispose();
        }
    }

    private MapMemory? MapMemoryIfPossible()
    {
        if ((_map.Flags & Ebpf.Specs.BpfMapFlags.Mmapable) == 0)
        {
            return null;
        }

        try
        {
            return _map.Memory(writable: !IsReadOnly);
        }
        catch (EbpfException)
        {
            return null; // the kernel refused the mapping: lookups and updates still work
        }
    }
}
