using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Reads an event buffer whichever kind it was loaded as: a <see cref="RingBufferReader"/> over a
/// <c>BPF_MAP_TYPE_RINGBUF</c>, a <see cref="PerfEventReader"/> over a <c>BPF_MAP_TYPE_PERF_EVENT_ARRAY</c> (see
/// <see cref="EventBuffer.Prepare"/>). Typed reads (<see cref="Consume{T}"/>, <see cref="ReadAllAsync{T}"/>) work the
/// same over both; <see cref="RingBuffer"/> or <see cref="PerfEvents"/> give the reader of the loaded kind for
/// everything else. One consumer at a time, as the readers.
/// </summary>
public sealed class EventBufferReader : IDisposable
{
    private readonly ITypedEventReader _reader;

    /// <summary>Opens the reader of <paramref name="buffer"/>'s kind.</summary>
    /// <param name="buffer">A ring buffer or perf event array; the reader keeps its descriptor open until disposed.</param>
    /// <param name="perfOptions">The perf rings' settings when <paramref name="buffer"/> is a perf event array; defaults when null.</param>
    /// <param name="syscalls">The kernel interface; the map's when null.</param>
    /// <exception cref="ArgumentException">The map is neither a ring buffer nor a perf event array.</exception>
    /// <exception cref="EbpfException">mmap, perf_event_open or epoll failed.</exception>
    public EventBufferReader(Map buffer, PerfEventReaderOptions? perfOptions = null, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        switch (buffer.Type)
        {
            case BpfMapType.Ringbuf:
                Kind = EventBufferKind.RingBuffer;
                RingBuffer = new RingBufferReader(buffer, syscalls);
                _reader = RingBuffer;
                break;
            case BpfMapType.PerfEventArray:
                Kind = EventBufferKind.PerfEventArray;
                PerfEvents = new PerfEventReader(buffer, perfOptions, syscalls);
                _reader = PerfEvents;
                break;
            default:
                throw new ArgumentException($"map '{buffer.Name}' is a {buffer.Type}, not a ring buffer or perf event array", nameof(buffer));
        }
    }

    /// <summary>The kind the buffer was loaded as.</summary>
    public EventBufferKind Kind { get; }

    /// <summary>The ring buffer reader; null for a perf event array.</summary>
    public RingBufferReader? RingBuffer { get; }

    /// <summary>The perf event reader; null for a ring buffer.</summary>
    public PerfEventReader? PerfEvents { get; }

    /// <summary>Samples the kernel dropped because a perf ring was full, counted so far; 0 for a ring buffer (whose programs see the failed reserve instead).</summary>
    public ulong LostSamples => PerfEvents?.LostSamples ?? 0;

    /// <summary>
    /// Hands every available record (at most <paramref name="maxRecords"/>) to <paramref name="handler"/> as a
    /// <typeparamref name="T"/>, without allocating per record; does not wait. See
    /// <see cref="RingBufferReader.Consume{T}(EventRecordHandler{T}, int)"/> and
    /// <see cref="PerfEventReader.Consume{T}(EventRecordHandler{T}, int)"/>.
    /// </summary>
    /// <returns>The number of records handled.</returns>
    /// <exception cref="EbpfException">A record is shorter than <typeparamref name="T"/> (it is consumed).</exception>
    public int Consume<T>(EventRecordHandler<T> handler, int maxRecords = int.MaxValue)
        where T : unmanaged =>
        RingBuffer is not null ? RingBuffer.Consume(handler, maxRecords) : PerfEvents!.Consume(handler, maxRecords);

    /// <summary>
    /// Hands every available record (at most <paramref name="maxRecords"/>) to the struct <paramref name="handler"/> as a
    /// <typeparamref name="T"/>, the call inlined and no allocation; does not wait. See
    /// <see cref="RingBufferReader.Consume{T, THandler}(ref THandler, int)"/> and
    /// <see cref="PerfEventReader.Consume{T, THandler}(ref THandler, int)"/>.
    /// </summary>
    /// <returns>The number of records handled.</returns>
    /// <exception cref="EbpfException">A record is shorter than <typeparamref name="T"/> (it is consumed).</exception>
    public int Consume<T, THandler>(ref THandler handler, int maxRecords = int.MaxValue)
        where T : unmanaged
        where THandler : struct, IEventRecordHandler<T> =>
        RingBuffer is not null
            ? RingBuffer.Consume<T, THandler>(ref handler, maxRecords)
            : PerfEvents!.Consume<T, THandler>(ref handler, maxRecords);

    /// <summary>Reads records as <typeparamref name="T"/> values as they arrive until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="EbpfException">A record is shorter than <typeparamref name="T"/> (it is consumed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<T> ReadAllAsync<T>(CancellationToken cancellationToken = default)
        where T : unmanaged =>
        EventChannel.ReadAllAsync(new TypedEventSource<T>(_reader), cancellationToken);

    /// <summary>
    /// Reads the samples as they arrive until <paramref name="cancellationToken"/> is cancelled, each in an array of its
    /// own (<see cref="RecordLifetime.Owned"/>). Perf lost-sample records are not streamed: they add to
    /// <see cref="LostSamples"/>. A perf sample may end with up to 7 bytes of the kernel's padding.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        ReadAllAsync(RecordLifetime.Owned, cancellationToken);

    /// <summary>
    /// Reads the samples as they arrive until <paramref name="cancellationToken"/> is cancelled, as
    /// <see cref="ReadAllAsync(CancellationToken)"/>, with the data lifetime <paramref name="lifetime"/>:
    /// <see cref="RecordLifetime.UntilNextRecord"/> copies each sample into one buffer the stream owns and consumes it at
    /// once, and the memory is valid only until the next <c>MoveNextAsync</c> (the next iteration of
    /// <c>await foreach</c>), also while the loop body awaits: no allocation per record.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lifetime"/> is not a <see cref="RecordLifetime"/> value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync(RecordLifetime lifetime, CancellationToken cancellationToken = default) => lifetime switch
    {
        RecordLifetime.Owned => EventChannel.ReadAllAsync(new EventBufferByteSource(RingBuffer, PerfEvents, null), cancellationToken),
        RecordLifetime.UntilNextRecord => EventChannel.ReadAllAsync(new EventBufferByteSource(RingBuffer, PerfEvents, new ReusedRecordBuffer()), cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "not a RecordLifetime value"),
    };

    /// <summary>Waits up to <paramref name="timeout"/> until a record is available.</summary>
    /// <returns>False when the timeout expired first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken = default) => _reader.Wait(timeout, cancellationToken);

    /// <summary>Disposes the reader of the loaded kind (see <see cref="RingBufferReader.Dispose"/>, <see cref="PerfEventReader.Dispose"/>).</summary>
    public void Dispose()
    {
        RingBuffer?.Dispose();
        PerfEvents?.Dispose();
    }
}
