using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The values of a <see cref="BpfMapFlags.Mmapable"/> array mapped into this process (<see cref="Map.Memory"/>):
/// element <c>i</c> starts at <c>i</c> × <see cref="ElementSize"/>. Reads and writes go straight to the map,
/// without system calls and without the map's spin locks. Disposing unmaps it; spans taken earlier must not be used after.
/// </summary>
public sealed unsafe class MapMemory : IDisposable
{
    private readonly IBpfSyscalls _syscalls;
    private readonly nuint _mappedLength;
    private nint _address;

    internal MapMemory(IBpfSyscalls syscalls, nint address, nuint mappedLength, int length, int elementSize, bool writable)
    {
        _syscalls = syscalls;
        _address = address;
        _mappedLength = mappedLength;
        Length = length;
        ElementSize = elementSize;
        IsWritable = writable;
    }

    /// <summary>Bytes of map data: max entries × <see cref="ElementSize"/>.</summary>
    public int Length { get; }

    /// <summary>Bytes from one element to the next: the value size rounded up to 8.</summary>
    public int ElementSize { get; }

    /// <summary>Whether the mapping is writable.</summary>
    public bool IsWritable { get; }

    /// <summary>The map data, writable.</summary>
    /// <exception cref="InvalidOperationException">The mapping is read-only.</exception>
    /// <exception cref="ObjectDisposedException">The memory was unmapped.</exception>
    public Span<byte> Span => IsWritable
        ? new Span<byte>((void*)Address, Length)
        : throw new InvalidOperationException("the map memory is mapped read-only; use ReadOnlySpan");

    /// <summary>The map data.</summary>
    /// <exception cref="ObjectDisposedException">The memory was unmapped.</exception>
    public ReadOnlySpan<byte> ReadOnlySpan => new((void*)Address, Length);

    /// <summary>The bytes of element <paramref name="index"/> (<see cref="ElementSize"/> long).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is past the last element.</exception>
    public Span<byte> Element(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length / ElementSize);
        return Span.Slice(index * ElementSize, ElementSize);
    }

    private nint Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(_address == 0, this);
            return _address;
        }
    }

    /// <summary>Unmaps the memory.</summary>
    public void Dispose()
    {
        nint address = Interlocked.Exchange(ref _address, 0);
        if (address != 0)
        {
            _syscalls.System().Munmap(address, _mappedLength);
        }
    }
}
