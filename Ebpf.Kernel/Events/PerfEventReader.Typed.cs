namespace Ebpf.Kernel;

/// <summary>Typed streams: samples read as an unmanaged event type.</summary>
public sealed partial class PerfEventReader : ITypedEventReader
{
    /// <summary>
    /// Hands every available sample (at most <paramref name="maxRecords"/>) to <paramref name="handler"/> as a
    /// <typeparamref name="T"/> (copied to the stack: perf samples are only 4-byte aligned and may wrap the ring end; no
    /// allocation per record); does not wait. Lost-sample records are consumed without a call and add to
    /// <see cref="LostSamples"/>.
    /// </summary>
    /// <typeparam name="T">The event's C layout. A sample may be longer (the kernel pads it to 8 bytes, or a variable-size tail).</typeparam>
    /// <returns>The number of samples handled.</returns>
    /// <exception cref="EbpfException">A sample is shorter than <typeparamref name="T"/>; it is consumed, and the call ends.</exception>
    /// <remarks>Each record is consumed when the handler returns, or throws (the exception then ends the call).</remarks>
    public int Consume<T>(EventRecordHandler<T> handler, int maxRecords = int.MaxValue)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new EventRecordDelegateHandler<T>(handler);
        return Consume<T, EventRecordDelegateHandler<T>>(ref adapter, maxRecords);
    }

    /// <summary>
    /// Hands every available sample (at most <paramref name="maxRecords"/>) to the struct <paramref name="handler"/> as a
    /// <typeparamref name="T"/> (copied to the stack, no allocation); does not wait. The loop is compiled for
    /// <typeparamref name="THandler"/>, so its <see cref="IEventRecordHandler{T}.Handle"/> is inlined; the state it keeps
    /// stays in <paramref name="handler"/>. Lost-sample records are consumed without a call and add to <see cref="LostSamples"/>.
    /// </summary>
    /// <typeparam name="T">The event's C layout. A sample may be longer (the kernel pads it to 8 bytes, or a variable-size tail).</typeparam>
    /// <typeparam name="THandler">The handler, a struct.</typeparam>
    /// <returns>The number of samples handled.</returns>
    /// <exception cref="EbpfException">A sample is shorter than <typeparamref name="T"/>; it is consumed, and the call ends.</exception>
    /// <remarks>Each record is consumed when the handler returns, or throws (the exception then ends the call).</remarks>
    public int Consume<T, THandler>(ref THandler handler, int maxRecords = int.MaxValue)
        where T : unmanaged
        where THandler : struct, IEventRecordHandler<T>
    {
        int count = 0;
        while (count < maxRecords && TryPeek(out var ring, out var sample, out ulong lost))
        {
            try
            {
                if (lost == 0)
                {
                    var value = TypedRecord.Copy<T>(sample, "perf event");
                    handler.Handle(in value);
                    count++;
                }
            }
            finally
            {
                Commit(ring, lost);
            }
        }

        return count;
    }

    /// <summary>
    /// Reads samples as <typeparamref name="T"/> values (copies) as they arrive until <paramref name="cancellationToken"/>
    /// is cancelled; lost-sample records are skipped (they add to <see cref="LostSamples"/>). Waits run on the thread pool.
    /// </summary>
    /// <typeparam name="T">The event's C layout; a sample may be longer, not shorter.</typeparam>
    /// <exception cref="EbpfException">A sample is shorter than <typeparamref name="T"/> (it is consumed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<T> ReadAllAsync<T>(CancellationToken cancellationToken = default)
        where T : unmanaged =>
        EventChannel.ReadAllAsync(new TypedEventSource<T>(this), cancellationToken);

    /// <inheritdoc/>
    bool ITypedEventReader.TryReadEvent<T>(out T value)
    {
        while (TryPeek(out var ring, out var sample, out ulong lost))
        {
            try
            {
                if (lost == 0)
                {
                    value = TypedRecord.Copy<T>(sample, "perf event");
                    return true;
                }
            }
            finally
            {
                Commit(ring, lost);
            }
        }

        value = default;
        return false;
    }
}
