using Ebpf.Kernel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ebpf.Kernel.Interop;

namespace Ebpf.Hosting;

/// <summary>
/// Reads a ring buffer map of a hosted collection once it is loaded and hands each record to its handler, counting
/// <see cref="EbpfMetrics.EventsRead"/> and publishing the ring's health (discarded and busy records, backlog
/// high-water mark). An <see cref="IEbpfRecordHandler"/> gets the records in place on the consumer's dedicated thread
/// (zero copy, a batch per wake-up); an <see cref="IEbpfEventHandler"/> gets each record copied into the consumer's
/// one buffer, valid until its <see cref="IEbpfEventHandler.HandleAsync"/> completes (the ring space is released as
/// soon as the record is copied; no allocation per record). Logs a Warning at start when the ring holds fewer than 64 records of
/// the largest event declared for the map (<see cref="EbpfCollectionBuilder.DeclareEventSize"/>). Stops (and unmaps
/// the ring) when the host stops.
/// </summary>
public sealed partial class EbpfRingBufferConsumer : BackgroundService
{
    private readonly EbpfCollectionHandle _collection;
    private readonly string _map;
    private readonly IEbpfEventHandler? _handler;
    private readonly IEbpfRecordHandler? _recordHandler;
    private readonly IBpfSyscalls _syscalls;
    private readonly EbpfMetrics _metrics;
    private readonly ILogger _logger;
    private long _eventsRead;

    /// <summary>Creates a consumer of map <paramref name="map"/> of <paramref name="collection"/> that hands a copy of each record to <paramref name="handler"/>.</summary>
    public EbpfRingBufferConsumer(EbpfCollectionHandle collection, string map, IEbpfEventHandler handler, IBpfSyscalls syscalls,
        EbpfMetrics metrics, ILogger<EbpfRingBufferConsumer> logger)
        : this(collection, map, syscalls, metrics, logger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <summary>Creates a consumer of map <paramref name="map"/> of <paramref name="collection"/> that hands each record in place to <paramref name="handler"/> on a dedicated thread.</summary>
    public EbpfRingBufferConsumer(EbpfCollectionHandle collection, string map, IEbpfRecordHandler handler, IBpfSyscalls syscalls,
        EbpfMetrics metrics, ILogger<EbpfRingBufferConsumer> logger)
        : this(collection, map, syscalls, metrics, logger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _recordHandler = handler;
    }

    private EbpfRingBufferConsumer(EbpfCollectionHandle collection, string map, IBpfSyscalls syscalls, EbpfMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentException.ThrowIfNullOrEmpty(map);
        _collection = collection;
        _map = map;
        _syscalls = syscalls;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Records handed to the handler so far.</summary>
    public long EventsRead => Interlocked.Read(ref _eventsRead);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await EbpfConsumerMap.WaitAsync(_collection, _map, _logger, stoppingToken).ConfigureAwait(false) is not { } map)
        {
            return;
        }

        string source = $"{_collection.Name}/{_map}";
        using var reader = new RingBufferReader(map, _syscalls);
        LogReading(_logger, source);
        WarnWhenSmall(reader, source);
        var health = new RingBufferHealth(reader, _metrics, source);
        try
        {
            if (_recordHandler is not null)
            {
                await Task.Factory.StartNew(() => ConsumeInPlace(reader, _recordHandler, health, source, stoppingToken), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
                return;
            }

            await ConsumeCopies(reader, _handler!, health, source, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            health.Publish();
        }
    }

    /// <summary>The dedicated thread of an <see cref="IEbpfRecordHandler"/>: consume every available record in place, end the batch, wait, again.</summary>
    private void ConsumeInPlace(RingBufferReader reader, IEbpfRecordHandler handler, RingBufferHealth health, string source, CancellationToken stoppingToken)
    {
        var adapter = new RecordHandlerAdapter(handler);
        while (true)
        {
            stoppingToken.ThrowIfCancellationRequested();
            int count = reader.Consume(ref adapter);
            if (count > 0)
            {
                handler.OnBatchEnd();
                Interlocked.Add(ref _eventsRead, count);
                _metrics.EventsRead(source, count);
                health.Publish();
                continue;
            }

            health.Publish();
            reader.Wait(Timeout.InfiniteTimeSpan, stoppingToken);
        }
    }

    /// <summary>
    /// The loop of an <see cref="IEbpfEventHandler"/>: copy every available record into the consumer's buffer (releasing
    /// its ring space at once) and await the handler on it, then hand the wait to a dedicated thread that resumes the
    /// loop on itself when woken (no thread-pool hop while handlers complete synchronously).
    /// </summary>
    private async Task ConsumeCopies(RingBufferReader reader, IEbpfEventHandler handler, RingBufferHealth health, string source, CancellationToken stoppingToken)
    {
        var buffer = new ReusedRecordBuffer();
        var waiter = new EventWaitThread(token => reader.Wait(Timeout.InfiniteTimeSpan, token), stoppingToken);
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                long count = 0;
                while (TryCopyNext(reader, buffer, out var data))
                {
                    count++;
                    Interlocked.Increment(ref _eventsRead);
                    await handler.HandleAsync(new EbpfEvent(_collection.Name, _map, -1, data), stoppingToken).ConfigureAwait(false);
                }

                if (count > 0)
                {
                    _metrics.EventsRead(source, count);
                }

                health.Publish();
                await waiter.WaitAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await waiter.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Copies the next committed record into <paramref name="buffer"/> and consumes it; false when none is available.</summary>
    private static bool TryCopyNext(RingBufferReader reader, ReusedRecordBuffer buffer, out ReadOnlyMemory<byte> data)
    {
        if (!reader.TryAcquire(out var lease))
        {
            data = default;
            return false;
        }

        using (lease)
        {
            data = buffer.Copy(lease.Data);
        }

        return true;
    }

    private void WarnWhenSmall(RingBufferReader reader, string source)
    {
        if (_collection.DeclaredEventSize(_map) is not { } size)
        {
            return;
        }

        long records = EventCapacity.RingBuffer(reader.Size, size);
        if (records < EventCapacity.Minimum)
        {
            LogSmallRing(_logger, source, reader.Size, records, size, EventCapacity.Minimum, EventCapacity.SizeFor(EventCapacity.RoundUp8(8L + size)));
        }
    }

    [LoggerMessage(1, LogLevel.Information, "eBPF ring buffer consumer reading {Source}")]
    private static partial void LogReading(ILogger logger, string source);

    [LoggerMessage(4, LogLevel.Warning, "eBPF ring buffer {Source} of {Size} bytes holds {Records} records of {EventSize} bytes, fewer than {Minimum}: "
        + "a burst or a late wake-up will drop events; give it at least {Needed} bytes (max_entries)")]
    private static partial void LogSmallRing(ILogger logger, string source, int size, long records, int eventSize, int minimum, long needed);
}
