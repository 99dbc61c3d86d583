using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// Walks the committed records of a ring buffer in place (zero copy, no delegate), from
/// <see cref="RingBufferReader.EnumerateRecords"/>: <c>foreach (ReadOnlySpan&lt;byte&gt; data in reader.EnumerateRecords()) { ... }</c>.
/// A record is consumed (its space handed back to the kernel) when the loop moves past it, ends, breaks or throws;
/// <see cref="Current"/> is valid until then. Stops at a record still being written; skips discarded ones.
/// </summary>
public unsafe ref struct RingBufferRecordEnumerator
{
    private readonly RingBufferReader? reader;
    private long consumer;
    private long producer;
    private byte* sample;
    private int length;

    internal RingBufferRecordEnumerator(RingBufferReader reader)
    {
        this.reader = reader;
        consumer = Volatile.Read(ref *reader.ConsumerPositionAddress);
        producer = Volatile.Read(ref *reader.ProducerPositionAddress);
    }

    /// <summary>The current record's sample bytes, in the ring's memory.</summary>
    public readonly ReadOnlySpan<byte> Current => MemoryMarshal.CreateReadOnlySpan(ref *sample, length);

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    public readonly RingBufferRecordEnumerator GetEnumerator() => this;

    /// <summary>Consumes the current record and moves to the next committed one.</summary>
    /// <returns>False when no committed record is available (or the reader was disposed).</returns>
    /// <exception cref="EbpfException">A record header claims more bytes than the ring holds.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        // Everything stays in this method (no call takes the enumerator's address), so a foreach keeps the
        // positions in registers; the ring's layout is read from the reader, off the critical path.
        var owner = reader;
        if (owner is null || owner.IsDisposed)
        {
            return false;
        }

        Volatile.Write(ref *owner.ConsumerPositionAddress, consumer);
        while (consumer < producer || consumer < (producer = Volatile.Read(ref *owner.ProducerPositionAddress)))
        {
            byte* header = owner.Ring + (consumer & owner.Mask);
            uint word = Volatile.Read(ref *(uint*)header);
            if (word <= owner.MaxSample)
            {
                consumer += RingBufferRecordHeader.Footprint(word);
                sample = header + RingBufferReader.HeaderSize;
                length = (int)word;
                return true;
            }

            if ((word & RingBufferRecordHeader.BusyBit) != 0)
            {
                break;
            }

            uint size = word & ~RingBufferRecordHeader.DiscardBit;
            if (size > owner.MaxSample)
            {
                RingBufferReader.ThrowCorrupt(consumer);
            }

            consumer += RingBufferRecordHeader.Footprint(size);
            Volatile.Write(ref *owner.ConsumerPositionAddress, consumer);
        }

        sample = null;
        length = 0;
        return false;
    }

    /// <summary>Consumes the current record, if the loop stopped on one.</summary>
    public readonly void Dispose()
    {
        // The published position is the current record's start; only the record's own fields are read here, so the
        // positions the loop updates are not needed after an exception and stay in registers.
        if (sample != null && reader is not null && !reader.IsDisposed)
        {
            long* published = reader.ConsumerPositionAddress;
            long start = Volatile.Read(ref *published);
            Volatile.Write(ref *published, start + RingBufferRecordHeader.Footprint((uint)length));
        }
    }
}
