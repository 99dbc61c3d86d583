using Ebpf.Kernel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ebpf.Kernel.Interop;

namespace Ebpf.Hosting;

/// <summary>
/// Reads a ring buffer map of a hosted collection once it is loaded (<see cref="RingBufferReader.ReadAllAsync"/>) and
/// hands each record to an <see cref="IEbpfEventHandler"/>, counting <see cref="EbpfMetrics.EventsRead"/>.
/// Stops (and unmaps the ring) when the host stops.
/// </summary>
public sealed partial class EbpfRingBufferConsumer : BackgroundService
{
    private readonly EbpfCollectionHandle _collection;
    private readonly string _map;
    private readonly IEbpfEventHandler _handler;
    private readonly IBpfSyscalls _syscalls;
    private readonly EbpfMetrics _metrics;
    private readonly ILogger _logger;
    private long _eventsRead;

    /// <summary>Creates a consumer of map <paramref name="map"/> of <paramref name="collection"/>.</summary>
    public EbpfRingBufferConsumer(EbpfCollectionHandle collection, string map, IEbpfEventHandler handler, IBpfSyscalls syscalls,
        EbpfMetrics metrics, ILogger<EbpfRingBufferConsumer> logger)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentException.ThrowIfNullOrEmpty(map);
        _collection = collection;
        _map = map;
        _handler = handler;
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
        try
        {
            await foreach (var record in reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _eventsRead);
                _metrics.EventsRead(source);
                await _handler.HandleAsync(new EbpfEvent(_collection.Name, _map, -1, record.Data), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "eBPF ring buffer consumer reading {Source}")]
    private static partial void LogReading(ILogger logger, string source);
}
