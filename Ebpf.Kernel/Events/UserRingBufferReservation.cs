namespace Ebpf.Kernel;

/// <summary>
/// Space reserved in a <see cref="UserRingBuffer"/> by <see cref="UserRingBuffer.TryReserve(int, out UserRingBufferReservation)"/>:
/// write the sample into <see cref="Data"/>, then pass it to <see cref="UserRingBuffer.Submit"/> or
/// <see cref="UserRingBuffer.Discard"/>. Until then the kernel's consumer stops at it.
/// </summary>
public readonly unsafe struct UserRingBufferReservation
{
    internal UserRingBufferReservation(UserRingBuffer owner, byte* header, int length)
    {
        Owner = owner;
        Header = header;
        Length = length;
    }

    /// <summary>The sample size in bytes, as reserved.</summary>
    public int Length { get; }

    /// <summary>The reserved bytes, in the ring's memory. Valid until submitted or discarded.</summary>
    public Span<byte> Data => Header == null ? default : new Span<byte>(Header + UserRingBuffer.HeaderSize, Length);

    internal UserRingBuffer? Owner { get; }

    internal byte* Header { get; }
}
