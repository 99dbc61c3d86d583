using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// A record lent in place by <see cref="RingBufferReader.TryAcquire"/> (zero copy, no delegate). Read
/// <see cref="Data"/>, then dispose the lease to hand the space back to the kernel; until then the same record is
/// acquired again. <c>using (lease) { ... }</c>.
/// </summary>
public readonly unsafe ref struct RingBufferLease
{
    private readonly RingBufferReader? _reader;
    private readonly byte* _sample;
    private readonly int _length;
    private readonly long _next;

    internal RingBufferLease(RingBufferReader reader, byte* sample, int length, long next)
    {
        this._reader = reader;
        this._sample = sample;
        this._length = length;
        this._next = next;
    }

    /// <summary>The sample bytes, in the ring's memory; valid until the lease is disposed.</summary>
    public ReadOnlySpan<byte> Data => MemoryMarshal.CreateReadOnlySpan(ref *_sample, _length);

    /// <summary>Consumes the record. Disposing again (or a copy) does nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dispose() => _reader?.Release(_next);
}
