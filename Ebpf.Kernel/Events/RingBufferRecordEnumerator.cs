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
    private readonly RingBufferReader? _reader;
    private long _consumer;
    private long _producer;
    private byte* _sample;
    private int _length;

    internal RingBufferRecordEnumerator(RingBufferReader reader)
    {
        this._reader = reader;
        _consumer = Volatile.Read(ref *reader.ConsumerPositionAddress);
        _producer = Volatile.Read(ref *reader.ProducerPositionAddress);
    }

    /// <summary>The current record's sample bytes, in the ring's memory.</summary>
    public readonly ReadOnlySpan<byte> Current => MemoryMarshal.CreateReadOnlySpan(ref *_sample, _length);

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
        var owner = _reader;
        if (owner is null || owner.IsDisposed)
        {
            return false;
        }

        Volatile.Write(ref *owner.ConsumerPositionAddress, _consumer);
        while (_consumer < _producer || _consumer < (_producer = Volatile.Read(ref *owner.ProducerPositionAddress)))
        {
            byte* header = owner.Ring + (_consumer & owner.Mask);
            uint word = Volatile.Read(ref *(uint*)header);
            if (word <= owner.MaxSample)
            {
                _consumer += RingBufferRecordHeader.Footprint(word);
                _sample = header + RingBufferReader.HeaderSize;
                _length = (int)word;
                return true;
            }

            if ((word & RingBufferRecordHeader.BusyBit) != 0)
            {
                break;
            }

            uint size = word & ~RingBufferRecordHeader.DiscardBit;
            if (size > owner.MaxSample)
            {
                RingBufferReader.ThrowCorrupt(_consumer);
            }

            _consumer += RingBufferRecordHeader.Footprint(size);
            Volatile.Write(ref *owner.ConsumerPositionAddress, _consumer);
        }

        _sample = null;
        _length = 0;
        return false;
    }

    /// <summary>Consumes the current record, if the loop stopped on one.</summary>
    public readonly void Dispose()
    {
        // The published position is the current record's start; only the record's own fields are read here, so the
        // positions the loop updates are not needed after an exception and stay in registers.
        if (_sample != null && _reader is not null && !_reader.IsDisposed)
        {
            long* published = _reader.ConsumerPositionAddress;
            long start = Volatile.Read(ref *published);
            Volatile.Write(ref *published, start + RingBufferRecordHeader.Footprint((uint)_length));
        }
    }
}
