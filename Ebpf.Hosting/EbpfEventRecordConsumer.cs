using System.Runtime.CompilerServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ebpf.Hosting;

/// <summary>
/// Reads a ring buffer, perf event array or ring-or-perf event buffer of a hosted collection once it is loaded, with an
/// <see cref="EventBufferReader"/> of the kind the map was loaded as, and hands each record to an
/// <see cref="IEbpfRecordHandler{TEvent}"/> as a <typeparamref name="TEvent"/> on the consumer's dedicated thread (a
/// batch per wake-up). Counts <see cref="EbpfMetrics.EventsRead"/>, records too short for the event
/// (<see cref="EbpfMetrics.EventsTooShort"/>, a Warning the first time) and lost perf samples, and publishes the ring's
/// health as the byte consumers do. Warns at start when the ring holds fewer than 64 events of
/// <typeparamref name="TEvent"/> (or of the larger size declared with <see cref="EbpfCollectionBuilder.DeclareEventSize"/>).
/// Stops (and unmaps the rings) when the host stops.
/// </summary>
internal sealed class EbpfEventRecordConsumer<TEvent> : BackgroundService
    where TEvent : unmanaged
{
    private readonly EbpfCollectionHandle _collection;
    private readonly string _map;
    private readonly IEbpfRecordHandler<TEvent> _handler;
    private readonly IBpfSyscalls _syscalls;
    private readonly EbpfMetrics _metrics;
    private readonly ILogger _logger;
    private readonly PerfEventReaderOptions? _perfOptions;
    private long _eventsRead;
    private long _tooShort;
    private long _eventsLost;

    public EbpfEventRecordConsumer(EbpfCollectionHandle collection, string map, IEbpfRecordHandler<TEvent> handler, IBpfSyscalls syscalls,
        EbpfMetrics metrics, ILogger<EbpfEventRecordConsumer<TEvent>> logger, PerfEventReaderOptions? perfOptions)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentException.ThrowIfNullOrEmpty(map);
        ArgumentNullException.ThrowIfNull(handler);
        _collection = collection;
        _map = map;
        _handler = handler;
        _syscalls = syscalls;
        _metrics = metrics;
        _logger = logger;
        _perfOptions = perfOptions;
    }

    /// <summary>Records handed to the handler so far.</summary>
    public long EventsRead => Interlocked.Read(ref _eventsRead);

    /// <summary>Records skipped because they were shorter than <typeparamref name="TEvent"/>.</summary>
    public long RecordsTooShort => Interlocked.Read(ref _tooShort);

    /// <summary>Perf samples the kernel reported lost so far; 0 for a ring buffer.</summary>
    public long EventsLost => Interlocked.Read(ref _eventsLost);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await EbpfConsumerMap.WaitAsync(_collection, _map, _logger, stoppingToken).ConfigureAwait(false) is not { } map)
        {
            return;
        }

        string source = $"{_collection.Name}/{_map}";
        using var reader = new EventBufferReader(map, _perfOptions, _syscalls);
        EventRecordConsumerLog.Reading(_logger, source, reader.Kind, typeof(TEvent).Name, Unsafe.SizeOf<TEvent>());
        WarnWhenSmall(reader, source);
        var health = new EventBufferHealth(reader, _metrics, source);
        try
        {
            await Task.Factory.StartNew(() => ConsumeInPlace(reader, health, source, stoppingToken), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            health.Publish();
        }
    }

    /// <summary>The dedicated thread: consume every available record, end the batch, count it, wait, again.</summary>
    private void ConsumeInPlace(EventBufferReader reader, EventBufferHealth health, string source, CancellationToken stoppingToken)
    {
        var dispatcher = new EventRecordDispatcher<TEvent>(_handler);
        while (true)
        {
            stoppingToken.ThrowIfCancellationRequested();
            int count = dispatcher.Consume(reader);
            if (count > 0)
            {
                _handler.OnBatchEnd();
                Count(dispatcher.TakeBatch(), source);
                health.Publish();
                continue;
            }

            health.Publish();
            reader.Wait(Timeout.InfiniteTimeSpan, stoppingToken);
        }
    }

    private void Count(EventRecordBatch batch, string source)
    {
        if (batch.Handled > 0)
        {
            Interlocked.Add(ref _eventsRead, batch.Handled);
            _metrics.EventsRead(source, batch.Handled);
        }

        if (batch.TooShort > 0)
        {
            if (Interlocked.Add(ref _tooShort, batch.TooShort) == batch.TooShort)
            {
                EventRecordConsumerLog.TooShort(_logger, source, batch.ShortLength, typeof(TEvent).Name, Unsafe.SizeOf<TEvent>());
            }

            _metrics.EventsTooShort(source, batch.TooShort);
        }

        if (batch.LostSamples > 0)
        {
            Interlocked.Add(ref _eventsLost, (long)batch.LostSamples);
            _metrics.EventsLost(source, (long)batch.LostSamples);
            _metrics.PerfSamplesLost(source, (long)batch.LostSamples);
            EventRecordConsumerLog.Lost(_logger, source, batch.LostSamples, batch.LostCpu);
        }
    }

    private void WarnWhenSmall(EventBufferReader reader, string source)
    {
        int size = Math.Max(Unsafe.SizeOf<TEvent>(), _collection.DeclaredEventSize(_map) ?? 0);
        if (reader.RingBuffer is { } ring)
        {
            long records = EventCapacity.RingBuffer(ring.Size, size);
            if (records < EventCapacity.Minimum)
            {
                EventRecordConsumerLog.SmallRing(_logger, source, ring.Size, records, size, EventCapacity.Minimum,
                    EventCapacity.SizeFor(EventCapacity.RoundUp8(8L + size)));
            }

            return;
        }

        long ringSize = (long)reader.PerfEvents!.Options.PagesPerCpu * Environment.SystemPageSize;
        long samples = EventCapacity.PerfRing(ringSize, size);
        if (samples < EventCapacity.Minimum)
        {
            long pages = EventCapacity.SizeFor(EventCapacity.RoundUp8(12L + size)) / Environment.SystemPageSize;
            EventRecordConsumerLog.SmallPerfRing(_logger, source, ringSize, samples, size, EventCapacity.Minimum, Math.Max(pages, 1));
        }
    }
}
