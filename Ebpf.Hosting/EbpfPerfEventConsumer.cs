using Ebpf.Kernel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ebpf.Kernel.Interop;

namespace Ebpf.Hosting;

/// <summary>
/// Reads a perf event array map of a hosted collection once it is loaded, hands each sample to its handler counting
/// <see cref="EbpfMetrics.EventsRead"/>, counts lost samples to <see cref="EbpfMetrics.EventsLost"/> and
/// <see cref="EbpfMetrics.PerfSamplesLost"/>, and publishes the rings' backlog high-water mark. An
/// <see cref="IEbpfRecordHandler"/> gets the samples in place on the consumer's dedicated thread (zero copy, a batch
/// per wake-up); an <see cref="IEbpfEventHandler"/> gets each sample copied into the consumer's one buffer, valid until
/// its <see cref="IEbpfEventHandler.HandleAsync"/> completes (the ring space is released as soon as the sample is
/// copied; no allocation per sample).
/// Logs a Warning at start when a CPU's ring holds fewer than 64 samples of the largest event declared for the map
/// (<see cref="EbpfCollectionBuilder.DeclareEventSize"/>). Stops (closing the rings) when the host stops.
/// </summary>
public sealed partial class EbpfPerfEventConsumer : BackgroundService
{
    private readonly EbpfCollectionHandle _collection;
    private readonly string _map;
    private readonly IEbpfEventHandler? _handler;
    private readonly IEbpfRecordHandler? _recordHandler;
    private readonly IBpfSyscalls _syscalls;
    private readonly EbpfMetrics _metrics;
    private readonly PerfEventReaderOptions? _options;
    private readonly ILogger _logger;
    private long _eventsRead;
    private long _eventsLost;
    private long _highWater;

    /// <summary>Creates a consumer of map <paramref name="map"/> of <paramref name="collection"/> that hands a copy of each sample to <paramref name="handler"/>.</summary>
    public EbpfPerfEventConsumer(EbpfCollectionHandle collection, string map, IEbpfEventHandler handler, IBpfSyscalls syscalls,
        EbpfMetrics metrics, ILogger<EbpfPerfEventConsumer> logger, PerfEventReaderOptions? options = null)
        : this(collection, map, syscalls, metrics, logger, options)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <summary>Creates a consumer of map <paramref name="map"/> of <paramref name="collection"/> that hands each sample in place to <paramref name="handler"/> on a dedicated thread.</summary>
    public EbpfPerfEventConsumer(EbpfCollectionHandle collection, string map, IEbpfRecordHandler handler, IBpfSyscalls syscalls,
        EbpfMetrics metrics, ILogger<EbpfPerfEventConsumer> logger, PerfEventReaderOptions? options = null)
        : this(collection, map, syscalls, metrics, logger, options)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _recordHandler = handler;
    }

    private EbpfPerfEventConsumer(EbpfCollectionHandle collection, string map, IBpfSyscalls syscalls, EbpfMetrics metrics, ILogger logger,
        PerfEventReaderOptions? options)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentException.ThrowIfNullOrEmpty(map);
        _collection = collection;
        _map = map;
        _syscalls = syscalls;
        _metrics = metrics;
        _options = options;
        _logger = logger;
    }

    /// <summary>Samples handed to the handler so far.</summary>
    public long EventsRead => Interlocked.Read(ref _eventsRead);

    /// <summary>Samples the kernel reported lost so far.</summary>
    public long EventsLost => Interlocked.Read(ref _eventsLost);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await EbpfConsumerMap.WaitAsync(_collection, _map, _logger, stoppingToken).ConfigureAwait(false) is not { } map)
        {
            return;
        }

        string source = $"{_collection.Name}/{_map}";
        using var reader = new PerfEventReader(map, _options, _syscalls);
        LogReading(_logger, source, reader.Cpus.Count);
        WarnWhenSmall(reader, source);
        try
        {
            if (_recordHandler is not null)
            {
                await Task.Factory.StartNew(() => ConsumeInPlace(reader, _recordHandler, source, stoppingToken), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
                return;
            }

            await ConsumeCopies(reader, _handler!, source, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            PublishBacklog(reader, source);
        }
    }

    /// <summary>The dedicated thread of an <see cref="IEbpfRecordHandler"/>: consume every available sample in place, end the batch, wait, again.</summary>
    private void ConsumeInPlace(PerfEventReader reader, IEbpfRecordHandler handler, string source, CancellationToken stoppingToken)
    {
        long samples = 0;
        PerfEventRecordHandler consume = (cpu, data, lost) =>
        {
            if (lost != 0)
            {
                CountLost(source, lost, cpu);
                return;
            }

            samples++;
            handler.Handle(data, cpu);
        };
        while (true)
        {
            stoppingToken.ThrowIfCancellationRequested();
            samples = 0;
            int count = reader.Consume(consume);
            if (samples > 0)
            {
                Interlocked.Add(ref _eventsRead, samples);
                _metrics.EventsRead(source, samples);
            }

            if (count > 0)
            {
                handler.OnBatchEnd();
                PublishBacklog(reader, source);
                continue;
            }

            PublishBacklog(reader, source);
            reader.Wait(Timeout.InfiniteTimeSpan, stoppingToken);
        }
    }

    /// <summary>
    /// The loop of an <see cref="IEbpfEventHandler"/>: copy every available sample into the consumer's buffer (releasing
    /// its ring space at once) and await the handler on it, count lost records, then hand the wait to a dedicated thread
    /// that resumes the loop on itself when woken (no thread-pool hop while handlers complete synchronously).
    /// </summary>
    private async Task ConsumeCopies(PerfEventReader reader, IEbpfEventHandler handler, string source, CancellationToken stoppingToken)
    {
        var buffer = new ReusedRecordBuffer();
        var waiter = new EventWaitThread(token => reader.Wait(Timeout.InfiniteTimeSpan, token), stoppingToken);
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                long samples = 0;
                while (TryCopyNext(reader, buffer, out var data, out int cpu, out ulong lost))
                {
                    if (lost != 0)
                    {
                        CountLost(source, lost, cpu);
                        continue;
                    }

                    samples++;
                    Interlocked.Increment(ref _eventsRead);
                    await handler.HandleAsync(new EbpfEvent(_collection.Name, _map, cpu, data), stoppingToken).ConfigureAwait(false);
                }

                if (samples > 0)
                {
                    _metrics.EventsRead(source, samples);
                }

                PublishBacklog(reader, source);
                await waiter.WaitAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await waiter.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Copies the next record's sample into <paramref name="buffer"/> and consumes it; false when no ring has a record.</summary>
    private static bool TryCopyNext(PerfEventReader reader, ReusedRecordBuffer buffer, out ReadOnlyMemory<byte> data, out int cpu, out ulong lost)
    {
        if (!reader.TryAcquire(out var lease))
        {
            data = default;
            cpu = -1;
            lost = 0;
            return false;
        }

        using (lease)
        {
            data = lease.LostSamples != 0 ? ReadOnlyMemory<byte>.Empty : buffer.Copy(lease.Data);
            cpu = lease.Cpu;
            lost = lease.LostSamples;
        }

        return true;
    }

    private void CountLost(string source, ulong lost, int cpu)
    {
        Interlocked.Add(ref _eventsLost, (long)lost);
        _metrics.EventsLost(source, (long)lost);
        _metrics.PerfSamplesLost(source, (long)lost);
        LogLost(_logger, source, lost, cpu);
    }

    private void PublishBacklog(PerfEventReader reader, string source)
    {
        long highWater = reader.BacklogHighWater;
        if (highWater > _highWater)
        {
            _highWater = highWater;
            _metrics.PerfBacklogHighWater(source, highWater);
        }
    }

    private void WarnWhenSmall(PerfEventReader reader, string source)
    {
        if (_collection.DeclaredEventSize(_map) is not { } size)
        {
            return;
        }

        long ringSize = (long)reader.Options.PagesPerCpu * Environment.SystemPageSize;
        long records = EventCapacity.PerfRing(ringSize, size);
        if (records < EventCapacity.Minimum)
        {
            long pages = EventCapacity.SizeFor(EventCapacity.RoundUp8(12L + size)) / Environment.SystemPageSize;
            LogSmallRing(_logger, source, ringSize, records, size, EventCapacity.Minimum, Math.Max(pages, 1));
        }
    }

    [LoggerMessage(1, LogLevel.Information, "eBPF perf event consumer reading {Source} ({Cpus} CPUs)")]
    private static partial void LogReading(ILogger logger, string source, int cpus);

    [LoggerMessage(3, LogLevel.Warning, "eBPF perf events lost on {Source}: {Lost} samples on CPU {Cpu}")]
    private static partial void LogLost(ILogger logger, string source, ulong lost, int cpu);

    [LoggerMessage(4, LogLevel.Warning, "eBPF perf event array {Source}: a CPU's ring of {Size} bytes holds {Records} samples of {EventSize} bytes, fewer than {Minimum}: "
        + "a burst or a late wake-up will drop events; give it at least {Pages} pages (PerfEventReaderOptions.PagesPerCpu)")]
    private static partial void LogSmallRing(ILogger logger, string source, long size, long records, int eventSize, int minimum, long pages);
}
