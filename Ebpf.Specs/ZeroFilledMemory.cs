using System.Buffers;
using System.Runtime.InteropServices;

namespace Ebpf.Specs;

/// <summary>
/// Zero-filled bytes (a <c>.bss</c> section's value) that know their length but allocate only when first read or
/// written through a span, so a large <c>.bss</c> costs nothing until used and a forged size allocates nothing.
/// </summary>
internal sealed class ZeroFilledMemory : MemoryManager<byte>
{
    private readonly int _length;
    private byte[]? _data;
    private readonly Lock _lock = new();
    private GCHandle _pin;
    private int _pins;

    /// <summary>Creates <paramref name="length"/> zero bytes, not yet allocated.</summary>
    internal ZeroFilledMemory(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
    }

    /// <summary>Whether the bytes were allocated (something read or wrote them); until then they are all zero.</summary>
    internal bool IsAllocated => _data is not null;

    /// <summary>Whether <paramref name="memory"/> is zero-filled memory nothing has allocated yet.</summary>
    internal static bool IsUntouched(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetMemoryManager<byte, ZeroFilledMemory>(memory, out var manager) && !manager.IsAllocated;

    /// <summary>The bytes as memory, without allocating them.</summary>
    public override Memory<byte> Memory => CreateMemory(_length);

    /// <inheritdoc />
    public override Span<byte> GetSpan() => Allocate();

    /// <summary>
    /// Reads <paramref name="length"/> bytes at <paramref name="offset"/> (in range) without allocating when the
    /// bytes are still all zeros and the read is small; a larger read allocates the whole value.
    /// </summary>
    internal ReadOnlySpan<byte> Read(int offset, int length) =>
        _data is null && length <= SharedZeros.Length ? SharedZeros.AsSpan(0, length) : Allocate().AsSpan(offset, length);

    // Zeros that reads of untouched values share (never written: handed out only as read-only spans).
    private static readonly byte[] SharedZeros = new byte[64 * 1024];

    /// <inheritdoc />
    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
        var data = Allocate();
        lock (_lock)
        {
            if (_pins++ == 0)
            {
                _pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            }
        }

        return new MemoryHandle((byte*)_pin.AddrOfPinnedObject() + elementIndex, default, this);
    }

    /// <inheritdoc />
    public override void Unpin()
    {
        lock (_lock)
        {
            if (--_pins == 0)
            {
                _pin.Free();
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
    }

    private byte[] Allocate()
    {
        var data = _data;
        if (data is null)
        {
            Interlocked.CompareExchange(ref _data, new byte[_length], null);
            data = _data;
        }

        return data;
    }
}
