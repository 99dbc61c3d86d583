using System.Diagnostics.Metrics;

namespace Ebpf.Hosting;

/// <summary>
/// The SDK's instruments on the <c>Ebpf</c> meter: events read and lost by readers, map operations, collection loads
/// and links attached by the host. Each measurement is tagged with the map, reader or collection it came from.
/// </summary>
public sealed class EbpfMetrics : IDisposable
{
    /// <summary>The meter name to listen to (for example with <c>dotnet-counters monitor --counters Ebpf</c>).</summary>
    public const string MeterName = "Ebpf";

    private readonly Meter _meter;
    private readonly Counter<long> _eventsRead;
    private readonly Counter<long> _eventsLost;
    private readonly Counter<long> _mapOperations;
    private readonly Counter<long> _collectionLoads;
    private readonly Counter<long> _linksAttached;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of its own.</summary>
    public EbpfMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _eventsRead = _meter.CreateCounter<long>("ebpf.events.read", "{event}", "Records read from ring buffers and perf event arrays.");
        _eventsLost = _meter.CreateCounter<long>("ebpf.events.lost", "{event}", "Records the kernel dropped because a buffer was full.");
        _mapOperations = _meter.CreateCounter<long>("ebpf.map.operations", "{operation}", "Map lookups, updates and deletes made through the host.");
        _collectionLoads = _meter.CreateCounter<long>("ebpf.collection.loads", "{load}", "Collections the host loaded and attached, or failed to (ebpf.outcome).");
        _linksAttached = _meter.CreateCounter<long>("ebpf.links.attached", "{link}", "Links the host attached for its collections.");
    }

    /// <summary>Counts records read from <paramref name="source"/>.</summary>
    public void EventsRead(string source, long count = 1) => _eventsRead.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts records lost by <paramref name="source"/>.</summary>
    public void EventsLost(string source, long count) => _eventsLost.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts an operation on map <paramref name="map"/>.</summary>
    public void MapOperation(string map, string operation) =>
        _mapOperations.Add(1, new KeyValuePair<string, object?>("ebpf.map", map), new KeyValuePair<string, object?>("ebpf.operation", operation));

    /// <summary>Counts a load of collection <paramref name="collection"/> with its attachments: <c>ebpf.outcome</c> is <c>loaded</c> or <c>failed</c>.</summary>
    public void CollectionLoaded(string collection, bool succeeded) =>
        _collectionLoads.Add(1, new KeyValuePair<string, object?>("ebpf.collection", collection), new KeyValuePair<string, object?>("ebpf.outcome", succeeded ? "loaded" : "failed"));

    /// <summary>Counts <paramref name="count"/> links attached for collection <paramref name="collection"/>.</summary>
    public void LinksAttached(string collection, long count = 1) =>
        _linksAttached.Add(count, new KeyValuePair<string, object?>("ebpf.collection", collection));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
