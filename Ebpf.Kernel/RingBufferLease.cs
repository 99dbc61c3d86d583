namespace Ebpf.Kernel;

/// <summary>
/// A record lent in place by <see cref="RingBufferReader.TryAcquire"/> (zero copy, no delegate). Read
/// <see cref="Data"/>, then dispose the lease to hand the space back to the kernel; until then the same record is
/// acquired again. <c>using (lease) { ... }</c>.
/// </summary>
public readonly ref struct RingBufferLease
{
    private readonly RingBufferReader? reader;
    private readonly long next;

    internal RingBufferLease(RingBufferReader reader, ReadOnlySpan<byte> data, long next)
    {
        this.reader = reader;
        Data = data;
        this.next = next;
    }

    /// <summary>The sample bytes, in the ring's memory; valid until the lease is disposed.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Consumes the record. Disposing again (or a copy) does nothing.</summary>
    public void Dispose() => reader?.Release(next);
}
