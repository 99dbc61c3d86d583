using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// The 8-byte header the kernel puts before each record of a <c>BPF_MAP_TYPE_RINGBUF</c> or
/// <c>BPF_MAP_TYPE_USER_RINGBUF</c>: a 32-bit length with the busy and discard bits, and a 32-bit page offset.
/// </summary>
internal static class RingBufferRecordHeader
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = 8;

    /// <summary>The header bit of a record still being written.</summary>
    public const uint BusyBit = 1u << 31;

    /// <summary>The header bit of a discarded record.</summary>
    public const uint DiscardBit = 1u << 30;

    /// <summary>The bytes a record of <paramref name="length"/> data bytes takes in the ring: header and data, rounded up to 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Footprint(uint length) => (length + Size + 7) & ~7L;
}
