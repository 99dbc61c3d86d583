namespace Ebpf.Kernel;

/// <summary>Typed streams: records read as an unmanaged event type.</summary>
public sealed partial class RingBufferReader : ITypedEventReader
{
    /// <summary>
    /// Hands every available record (at most <paramref name="maxRecords"/>) to <paramref name="handler"/> as a
    /// <typeparamref name="T"/> in place (zero copy, no allocation per record); does not wait.
    /// </summary>
    /// <typeparam name="T">The event's C layout. A record may be longer (a variable-size tail); the handler sees its first <c>sizeof(T)</c> bytes.</typeparam>
    /// <returns>The number of records handled.</returns>
    /// <exception cref="EbpfException">A record is shorter than <typeparamref name="T"/>; it is consumed, and the call ends.</exception>
    /// <remarks>Each record is consumed when the handler returns, or throws (the exception then ends the call).</remarks>
    public int Consume<T>(EventRecordHandler<T> handler, int maxRecords = int.MaxValue)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new TypedRecordHandler<T>(handler);
        return Consume(ref adapter, maxRecords);
    }

    /// <summary>
    /// Hands every available record (at most <paramref name="maxRecords"/>) to the struct <paramref name="handler"/> as a
    /// <typeparamref name="T"/> in place (zero copy, no allocation); does not wait. The loop is compiled for
    /// <typeparamref name="THandler"/>, so its <see cref="IEventRecordHandler{T}.Handle"/> is inlined; the state it keeps
    /// stays in <paramref name="handler"/>, also when the call ends with an exception.
    /// </summary>
    /// <typeparam name="T">The event's C layout. A record may be longer (a variable-size tail); the handler sees its first <c>sizeof(T)</c> bytes.</typeparam>
    /// <typeparam name="THandler">The handler, a struct.</typeparam>
    /// <returns>The number of records handled.</returns>
    /// <exception cref="EbpfException">A record is shorter than <typeparamref name="T"/>; it is consumed, and the call ends.</exception>
    /// <remarks>Each record is consumed when the handler returns, or throws (the exception then ends the call).</remarks>
    public int Consume<T, THandler>(ref THandler handler, int maxRecords = int.MaxValue)
        where T : unmanaged
        where THandler : struct, IEventRecordHandler<T>
    {
        var adapter = new TypedStructRecordHandler<T, THandler>(handler);
        try
        {
            return Consume(ref adapter, maxRecords);
        }
        finally
        {
            handler = adapter.Handler;
        }
    }

    /// <summary>Reads records as <typeparamref name="T"/> values (copies) as they arrive until <paramref name="cancellationToken"/> is cancelled. Waits run on the thread pool.</summary>
    /// <typeparam name="T">The event's C layout; a record may be longer, not shorter.</typeparam>
    /// <exception cref="EbpfException">A record is shorter than <typeparamref name="T"/> (it is consumed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<T> ReadAllAsync<T>(CancellationToken cancellationToken = default)
        where T : unmanaged =>
        EventChannel.ReadAllAsync(new TypedEventSource<T>(this), cancellationToken);

    /// <inheritdoc/>
    bool ITypedEventReader.TryReadEvent<T>(out T value)
    {
        if (!TryAcquire(out var lease))
        {
            value = default;
            return false;
        }

        using (lease)
        {
            value = TypedRecord.Copy<T>(lease.Data, "ring buffer");
        }

        return true;
    }
}
