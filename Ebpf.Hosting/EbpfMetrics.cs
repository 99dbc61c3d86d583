using System.Diagnostics.Metrics;

namespace Ebpf.Hosting;

/// <summary>
/// The SDK's instruments on the <c>Ebpf</c> meter: events read and lost by readers, and map operations.
/// Each measurement is tagged with the map or reader it came from.
/// </summary>
public sealed class EbpfMetrics : IDisposable
{
    /// <summary>The meter name to listen to (for example with <c>dotnet-counters monitor --counters Ebpf</c>).</summary>
    public const string MeterName = "Ebpf";

    private readonly Meter _meter;
    private readonly Counter<long> _eventsRead;
    private readonly Counter<long> _eventsLost;
    private readonly Counter<long> _mapOperations;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of its own.</summary>
    public EbpfMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _eventsRead = _meter.CreateCounter<long>("ebpf.events.read", "{event}", "Records read from ring buffers and perf event arrays.");
        _eventsLost = _meter.CreateCounter<long>("ebpf.events.lost", "{event}", "Records the kernel dropped because a buffer was full.");
        _mapOperations = _meter.CreateCounter<long>("ebpf.map.operations", "{operation}", "Map lookups, updates and deletes made through the host.");
    }

    /// <summary>Counts records read from <paramref name="source"/>.</summary>
    public void EventsRead(string source, long count = 1) => _eventsRead.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts records lost by <paramref name="source"/>.</summary>
    public void EventsLost(string source, long count) => _eventsLost.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts an operation on map <paramref name="map"/>.</summary>
    public void MapOperation(string map, string operation) =>
        _mapOperations.Add(1, new KeyValuePair<string, object?>("ebpf.map", map), new KeyValuePair<string, object?>("ebpf.operation", operation));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
