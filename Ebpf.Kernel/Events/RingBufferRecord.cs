namespace Ebpf.Kernel;

/// <summary>A record read from a BPF ring buffer by <see cref="RingBufferReader"/>: a copy of the sample the program submitted.</summary>
/// <param name="Data">The sample bytes.</param>
public readonly record struct RingBufferRecord(ReadOnlyMemory<byte> Data)
{
    /// <summary>The sample length in bytes.</summary>
    public int Length => Data.Length;
}
