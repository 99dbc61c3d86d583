using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Reads the records BPF programs submit to a <c>BPF_MAP_TYPE_RINGBUF</c> map (<c>bpf_ringbuf_output</c>,
/// <c>bpf_ringbuf_reserve</c>/<c>submit</c>). Maps the consumer page read-write and the producer page plus the data
/// area (mapped twice by the kernel, so no record wraps) read-only; waits with epoll.
/// <para>
/// Records come in submission order. A record still being written (busy bit) stops reading until it is committed;
/// discarded records are skipped. The consumer position is published (release) after each record, so the kernel can
/// reuse its space. <see cref="Consume{THandler}(ref THandler, int)"/> with a struct handler and
/// <see cref="TryAcquire"/> leases are the fastest ways to read (zero copy, no allocation). One consumer at a time: the reader is not thread-safe, except that cancelling a token wakes a
/// blocked wait.
/// </para>
/// </summary>
public sealed unsafe partial class RingBufferReader : IDisposable, IEventSource<RingBufferRecord>
{
    /// <summary>Size of the record header: a 32-bit length with the busy and discard bits, and a 32-bit page offset.</summary>
    public const int HeaderSize = RingBufferRecordHeader.Size;

    private const uint BusyBit = RingBufferRecordHeader.BusyBit;
    private const uint DiscardBit = RingBufferRecordHeader.DiscardBit;

    private readonly EventChannel _channel;
    private readonly long* _consumerPosition;
    private readonly long* _producerPosition;
    private readonly byte* _data;
    private readonly long _mask;
    private readonly uint _maxSample;
    private bool _disposed;
    private int _consuming;
    private bool _closePending;
    private long _discardedRecords;
    private long _busyRecords;
    private long _backlogHighWater;

    /// <summary>Maps the ring buffer <paramref name="ringBuffer"/> for reading.</summary>
    /// <param name="ringBuffer">The map; the reader keeps it open (adds a reference) until disposed.</param>
    /// <param name="syscalls">The kernel interface; <see cref="LinuxBpfSyscalls.Instance"/> when null.</param>
    /// <exception cref="ArgumentException">The map is not a <c>BPF_MAP_TYPE_RINGBUF</c>.</exception>
    /// <exception cref="EbpfException">mmap or epoll failed.</exception>
    public RingBufferReader(BpfFileDescriptor ringBuffer, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(ringBuffer);
        _channel = EventChannel.OpenRing(syscalls ?? LinuxBpfSyscalls.Instance, ringBuffer, BpfMapType.Ringbuf, nameof(ringBuffer), userProducer: false);
        Size = _channel.Size;
        _mask = Size - 1;
        _maxSample = (uint)(Size - HeaderSize);
        _consumerPosition = _channel.ConsumerPosition;
        _producerPosition = _channel.ProducerPosition;
        _data = _channel.Data;
    }

    /// <summary>Maps the ring buffer <paramref name="ringBuffer"/> for reading.</summary>
    /// <param name="ringBuffer">The map; the reader keeps its descriptor open (adds a reference) until disposed.</param>
    /// <param name="syscalls">The kernel interface; the map's when null.</param>
    /// <exception cref="ArgumentException">The map is not a <c>BPF_MAP_TYPE_RINGBUF</c>.</exception>
    /// <exception cref="EbpfException">mmap or epoll failed.</exception>
    public RingBufferReader(Map ringBuffer, IBpfSyscalls? syscalls = null)
        : this(EventChannel.Expect(ringBuffer, BpfMapType.Ringbuf, nameof(ringBuffer)), syscalls ?? ringBuffer.Syscalls)
    {
    }

    /// <summary>The size of the data area in bytes (the map's max_entries).</summary>
    public int Size { get; }

    /// <summary>Bytes submitted but not consumed yet, headers and records still being written included.</summary>
    public long AvailableBytes
    {
        get
        {
            ThrowIfDisposed();
            return ProducerPosition - ConsumerPosition;
        }
    }

    /// <summary>Discarded records (<c>bpf_ringbuf_discard</c>) skipped so far.</summary>
    public long DiscardedRecords => Volatile.Read(ref _discardedRecords);

    /// <summary>
    /// Times reading stopped at a record still being written (reserved and not submitted or discarded yet): records
    /// after it wait until it is committed.
    /// </summary>
    public long BusyRecords => Volatile.Read(ref _busyRecords);

    /// <summary>
    /// The most bytes (headers included) found submitted and not consumed when a read or wait started, since the
    /// reader was made: how close the ring came to full (<see cref="Size"/>), where the kernel drops new records.
    /// </summary>
    public long BacklogHighWater => Volatile.Read(ref _backlogHighWater);

    private long ConsumerPosition
    {
        get => Volatile.Read(ref *_consumerPosition);
        set => Volatile.Write(ref *_consumerPosition, value);
    }

    private long ProducerPosition => Volatile.Read(ref *_producerPosition);

    /// <summary>Reads the next record without waiting.</summary>
    /// <returns>False when no committed record is available.</returns>
    public bool TryRead(out RingBufferRecord record)
    {
        if (!TryPeek(out byte* sample, out int length, out long next))
        {
            record = default;
            return false;
        }

        var copy = GC.AllocateUninitializedArray<byte>(length); // overwritten at once: not zeroed first
        new ReadOnlySpan<byte>(sample, length).CopyTo(copy);
        ConsumerPosition = next;
        record = new RingBufferRecord(copy);
        return true;
    }

    /// <summary>Reads the next record, waiting up to <paramref name="timeout"/> for one.</summary>
    /// <returns>False when the timeout expired first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool TryRead(TimeSpan timeout, out RingBufferRecord record, CancellationToken cancellationToken = default)
    {
        if (_channel.WaitUntil(this, static reader => reader.HasRecord(), WaitTimeout.Start(timeout), cancellationToken))
        {
            return TryRead(out record);
        }

        record = default;
        return false;
    }

    /// <summary>Reads the next record, waiting as long as needed.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public RingBufferRecord Read(CancellationToken cancellationToken = default)
    {
        TryRead(Timeout.InfiniteTimeSpan, out var record, cancellationToken);
        return record;
    }

    /// <summary>Copies the next record into <paramref name="destination"/> without waiting.</summary>
    /// <param name="destination">Receives the sample bytes.</param>
    /// <param name="length">The sample length.</param>
    /// <returns>False when no committed record is available.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than the record; the record is left unread.</exception>
    public bool TryReadInto(Span<byte> destination, out int length)
    {
        if (!TryPeek(out byte* sample, out length, out long next))
        {
            return false;
        }

        if (length > destination.Length)
        {
            throw new ArgumentException($"the record has {length} bytes, the destination holds {destination.Length}", nameof(destination));
        }

        new ReadOnlySpan<byte>(sample, length).CopyTo(destination);
        ConsumerPosition = next;
        return true;
    }

    /// <summary>Copies the next record into <paramref name="destination"/>, waiting as long as needed; returns its length.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than the record; the record is left unread.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int ReadInto(Span<byte> destination, CancellationToken cancellationToken = default)
    {
        Wait(Timeout.InfiniteTimeSpan, cancellationToken);
        TryReadInto(destination, out int length);
        return length;
    }

    /// <summary>Lends the next record in place (zero copy) without waiting; disposing the lease consumes it.</summary>
    /// <returns>False when no committed record is available.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAcquire(out RingBufferLease lease)
    {
        // Fast path, inlined into the caller: a committed record (no busy or discard bit, a possible length) is next.
        // The fields are read before the acquiring loads, so the JIT reads each once; only this reader writes the
        // consumer position, so a plain load reads it.
        if (!_disposed)
        {
            long* published = _consumerPosition;
            long* produced = _producerPosition;
            byte* ring = _data;
            long ringMask = _mask;
            uint largest = _maxSample;
            long consumer = *published;
            if (consumer < Volatile.Read(ref *produced))
            {
                byte* header = ring + (consumer & ringMask);
                uint word = Volatile.Read(ref *(uint*)header);
                if (word <= largest)
                {
                    lease = new RingBufferLease(this, header + HeaderSize, (int)word, consumer + RingBufferRecordHeader.Footprint(word));
                    return true;
                }
            }
        }

        return TryAcquireSlow(out lease);
    }

    /// <summary>
    /// Walks the committed records available now in place (zero copy, no delegate): <c>foreach (var data in
    /// reader.EnumerateRecords())</c>. Each record is consumed when the loop moves past it, ends, breaks or throws.
    /// </summary>
    public RingBufferRecordEnumerator EnumerateRecords()
    {
        ThrowIfDisposed();
        return new RingBufferRecordEnumerator(this);
    }

    /// <summary>Hands the next record to <paramref name="handler"/> in place (zero copy), then consumes it; does not wait.</summary>
    /// <returns>False when no committed record is available.</returns>
    /// <remarks>The record is consumed even when the handler throws.</remarks>
    public bool TryConsume(RingBufferRecordHandler handler) => Consume(handler, maxRecords: 1) == 1;

    /// <summary>Hands every available record (at most <paramref name="maxRecords"/>) to <paramref name="handler"/> in place; does not wait.</summary>
    /// <returns>The number of records handled.</returns>
    /// <remarks>Each record is consumed when the handler returns, or throws (the exception then ends the call).</remarks>
    public int Consume(RingBufferRecordHandler handler, int maxRecords = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new RingBufferDelegateHandler(handler);
        return Consume(ref adapter, maxRecords);
    }

    /// <summary>
    /// Hands every available record (at most <paramref name="maxRecords"/>) to <paramref name="handler"/> in place; does
    /// not wait. The loop is compiled for <typeparamref name="THandler"/>, so its <see cref="IRingBufferRecordHandler.Handle"/>
    /// is inlined; state the handler keeps stays in <paramref name="handler"/>.
    /// </summary>
    /// <returns>The number of records handled.</returns>
    /// <remarks>Each record is consumed when the handler returns, or throws (the exception then ends the call).</remarks>
    public int Consume<THandler>(ref THandler handler, int maxRecords = int.MaxValue)
        where THandler : struct, IRingBufferRecordHandler
    {
        ThrowIfDisposed();
        int count;
        bool corrupt;
        _consuming++;
        try
        {
            try
            {
                count = ConsumeRecords(ref handler, maxRecords, out corrupt);
            }
            catch
            {
                // The loop publishes the position after each record, so the one whose handler threw starts there.
                SkipCommittedRecord();
                throw;
            }

            if (corrupt)
            {
                ThrowCorrupt(ConsumerPosition);
            }
        }
        finally
        {
            // A handler that disposed the reader left the ring mapped until here.
            if (--_consuming == 0 && _closePending)
            {
                _closePending = false;
                _channel.Close();
            }
        }

        return count;
    }

    /// <summary>Waits up to <paramref name="timeout"/> until a committed record is available.</summary>
    /// <returns>False when the timeout expired first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _channel.WaitUntil(this, static reader => reader.HasRecord(), WaitTimeout.Start(timeout), cancellationToken);

    /// <summary>Drops every committed record available now (stopping at a record still being written).</summary>
    /// <returns>The number of records dropped, discarded ones not counted.</returns>
    public int Flush()
    {
        int count = 0;
        foreach (var record in EnumerateRecords())
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Reads records as they arrive until <paramref name="cancellationToken"/> is cancelled. Waits run on a dedicated
    /// thread that, once woken, resumes the stream itself: the loop body runs on it, with no thread-pool hop between the
    /// wake-up and the records, as long as the body completes synchronously (<c>ConfigureAwait(false)</c>). Leaving the
    /// loop stops the thread.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<RingBufferRecord> ReadAllAsync(CancellationToken cancellationToken = default) =>
        EventChannel.ReadAllAsync(this, cancellationToken);

    /// <summary>
    /// Reads records as they arrive until <paramref name="cancellationToken"/> is cancelled, as
    /// <see cref="ReadAllAsync(CancellationToken)"/>, with the data lifetime <paramref name="lifetime"/>:
    /// <see cref="RecordLifetime.Owned"/> gives each record an array of its own;
    /// <see cref="RecordLifetime.UntilNextRecord"/> copies each record into one buffer the stream owns and consumes it at
    /// once, and the record's <c>Data</c> is valid only until the next <c>MoveNextAsync</c> (the next iteration of
    /// <c>await foreach</c>), also while the loop body awaits: no allocation per record, as cilium/ebpf's <c>ReadInto</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lifetime"/> is not a <see cref="RecordLifetime"/> value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<RingBufferRecord> ReadAllAsync(RecordLifetime lifetime, CancellationToken cancellationToken = default) => lifetime switch
    {
        RecordLifetime.Owned => ReadAllAsync(cancellationToken),
        RecordLifetime.UntilNextRecord => EventChannel.ReadAllAsync(new RingBufferReusingSource(this), cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "not a RecordLifetime value"),
    };

    /// <summary>
    /// Unmaps the ring, closes the epoll set and releases the map. A wait blocked on another thread wakes and throws
    /// <see cref="ObjectDisposedException"/> (the memory is unmapped once it has left); other calls must not run
    /// concurrently with Dispose.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_consuming > 0)
        {
            _closePending = true; // called by a Consume handler: Consume closes the channel when it returns
            return;
        }

        _channel.Close();
    }

    /// <summary>Consumes up to <paramref name="next"/> for a lease, unless that is done already.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Release(long next)
    {
        long* published = _consumerPosition;
        if (!_disposed && *published < next)
        {
            Volatile.Write(ref *published, next);
        }
    }

    /// <summary>True once disposed (the ring memory may be unmapped).</summary>
    internal bool IsDisposed => _disposed;

    /// <summary>The consumer position in the consumer page.</summary>
    internal long* ConsumerPositionAddress => _consumerPosition;

    /// <summary>The producer position in the producer page.</summary>
    internal long* ProducerPositionAddress => _producerPosition;

    /// <summary>The data area (mapped twice, so a record never wraps).</summary>
    internal byte* Ring => _data;

    /// <summary>The data area size less one, to turn a position into an offset.</summary>
    internal long Mask => _mask;

    /// <summary>The largest possible sample: the ring size less one header.</summary>
    internal uint MaxSample => _maxSample;

    [DoesNotReturn]
    internal static void ThrowCorrupt(long position) =>
        throw new EbpfException($"ring buffer record at position {position} claims more bytes than the ring holds");

    /// <summary>
    /// The loop of <see cref="Consume{THandler}(ref THandler, int)"/>: no exception handling here, so the positions stay
    /// in registers; the position is published (release) after each record, as the kernel's producer only waits for it.
    /// </summary>
    private int ConsumeRecords<THandler>(ref THandler handler, int maxRecords, out bool corrupt)
        where THandler : struct, IRingBufferRecordHandler
    {
        // Few locals live across the handler call (the fields are reloaded, off the critical path), so that the
        // position stays in a register even around a delegate call.
        long consumer = Volatile.Read(ref *_consumerPosition);
        long producer = Volatile.Read(ref *_producerPosition);
        NoteBacklog(producer - consumer);
        int remaining = maxRecords;
        while (remaining > 0 && !_disposed)
        {
            if (consumer >= producer)
            {
                producer = Volatile.Read(ref *_producerPosition);
                if (consumer >= producer)
                {
                    break;
                }
            }

            byte* header = _data + (consumer & _mask);
            uint word = Volatile.Read(ref *(uint*)header);
            if (word <= _maxSample)
            {
                consumer += RingBufferRecordHeader.Footprint(word);
                handler.Handle(new ReadOnlySpan<byte>(header + HeaderSize, (int)word));
                remaining--;
            }
            else if ((word & BusyBit) != 0)
            {
                _busyRecords++;
                break;
            }
            else if ((word & ~DiscardBit) <= _maxSample)
            {
                consumer += RingBufferRecordHeader.Footprint(word & ~DiscardBit);
                _discardedRecords++;
            }
            else
            {
                corrupt = true;
                return maxRecords - remaining;
            }

            Volatile.Write(ref *_consumerPosition, consumer);
        }

        corrupt = false;
        return maxRecords - remaining;
    }

    /// <summary>Consumes the committed record at the consumer position, if there is one.</summary>
    private void SkipCommittedRecord()
    {
        if (!_disposed && TryPeek(out _, out _, out long next))
        {
            ConsumerPosition = next;
        }
    }

    private bool TryAcquireSlow(out RingBufferLease lease)
    {
        if (!TryPeek(out byte* sample, out int length, out long next))
        {
            lease = default;
            return false;
        }

        lease = new RingBufferLease(this, sample, length, next);
        return true;
    }

    private bool HasRecord() => TryPeek(out _, out _, out _);

    /// <summary>Finds the next committed record, consuming discarded ones on the way.</summary>
    private bool TryPeek(out byte* sample, out int length, out long next)
    {
        ThrowIfDisposed();
        long consumer = ConsumerPosition;
        long producer = ProducerPosition;
        NoteBacklog(producer - consumer);
        while (consumer < producer)
        {
            byte* header = _data + (consumer & _mask);
            uint word = Volatile.Read(ref *(uint*)header);
            if ((word & BusyBit) != 0)
            {
                _busyRecords++;
                break;
            }

            uint size = word & ~(BusyBit | DiscardBit);
            if (size > _maxSample)
            {
                ThrowCorrupt(consumer);
            }

            long end = consumer + RingBufferRecordHeader.Footprint(size);
            if ((word & DiscardBit) != 0)
            {
                consumer = end;
                ConsumerPosition = consumer;
                _discardedRecords++;
                continue;
            }

            sample = header + HeaderSize;
            length = (int)size;
            next = end;
            return true;
        }

        sample = null;
        length = 0;
        next = consumer;
        return false;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void NoteBacklog(long bytes)
    {
        if (bytes > _backlogHighWater)
        {
            Volatile.Write(ref _backlogHighWater, bytes);
        }
    }
}
