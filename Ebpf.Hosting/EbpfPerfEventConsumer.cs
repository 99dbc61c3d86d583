using Ebpf.Kernel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ebpf.Kernel.Interop;

namespace Ebpf.Hosting;

/// <summary>
/// Reads a perf event array map of a hosted collection once it is loaded (<see cref="PerfEventReader.ReadAllAsync"/>),
/// hands each sample to an <see cref="IEbpfEventHandler"/> counting <see cref="EbpfMetrics.EventsRead"/>, and counts
/// lost samples to <see cref="EbpfMetrics.EventsLost"/>. Stops (closing the rings) when the host stops.
/// </summary>
public sealed partial class EbpfPerfEventConsumer : BackgroundService
{
    private readonly EbpfCollectionHandle _collection;
    private readonly string _map;
    private readonly IEbpfEventHandler _handler;
    private readonly IBpfSyscalls _syscalls;
    private readonly EbpfMetrics _metrics;
    private readonly PerfEventReaderOptions? _options;
    private readonly ILogger _logger;
    private long _eventsRead;
    private long _eventsLost;

    /// <summary>Creates a consumer of map <paramref name="map"/> of <paramref name="collection"/>.</summary>
    public EbpfPerfEventConsumer(EbpfCollectionHandle collection, string map, IEbpfEventHandler handler, IBpfSyscalls syscalls,
        EbpfMetrics metrics, ILogger<EbpfPerfEventConsumer> logger, PerfEventReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentException.ThrowIfNullOrEmpty(map);
        _collection = collection;
        _map = map;
        _handler = handler;
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
        try
        {
            await foreach (var record in reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (record.IsLost)
                {
                    Interlocked.Add(ref _eventsLost, (long)record.LostSamples);
                    _metrics.EventsLost(source, (long)record.LostSamples);
                    LogLost(_logger, source, record.LostSamples, record.Cpu);
                    continue;
                }

                Interlocked.Increment(ref _eventsRead);
                _metrics.EventsRead(source);
                await _handler.HandleAsync(new EbpfEvent(_collection.Name, _map, record.Cpu, record.Data), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "eBPF perf event consumer reading {Source} ({Cpus} CPUs)")]
    private static partial void LogReading(ILogger logger, string source, int cpus);

    [LoggerMessage(3, LogLevel.Warning, "eBPF perf events lost on {Source}: {Lost} samples on CPU {Cpu}")]
    private static partial void LogLost(ILogger logger, string source, ulong lost, int cpu);
}
