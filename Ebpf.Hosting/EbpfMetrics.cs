using System.Diagnostics.Metrics;

namespace Ebpf.Hosting;

/// <summary>
/// The SDK's instruments on the <c>Ebpf</c> meter: events read and lost by readers, the health of the rings they read
/// (<c>ebpf.ringbuf.*</c>, <c>ebpf.perf.*</c>), map operations, collection loads and links attached by the host. Each
/// measurement is tagged with the map, reader or collection it came from.
/// </summary>
public sealed class EbpfMetrics : IDisposable
{
    /// <summary>The meter name to listen to (for example with <c>dotnet-counters monitor --counters Ebpf</c>).</summary>
    public const string MeterName = "Ebpf";

    private readonly Meter _meter;
    private readonly Counter<long> _eventsRead;
    private readonly Counter<long> _eventsLost;
    private readonly Counter<long> _eventsTooShort;
    private readonly Counter<long> _mapOperations;
    private readonly Counter<long> _collectionLoads;
    private readonly Counter<long> _linksAttached;
    private readonly Counter<long> _perfLost;
    private readonly Counter<long> _ringDiscarded;
    private readonly Counter<long> _ringBusy;
    private readonly Gauge<long> _ringBacklog;
    private readonly Gauge<long> _perfBacklog;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of its own.</summary>
    public EbpfMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _eventsRead = _meter.CreateCounter<long>("ebpf.events.read", "{event}", "Records read from ring buffers and perf event arrays.");
        _eventsLost = _meter.CreateCounter<long>("ebpf.events.lost", "{event}", "Records the kernel dropped because a buffer was full.");
        _eventsTooShort = _meter.CreateCounter<long>("ebpf.events.short", "{record}",
            "Records shorter than the event type a typed consumer reads them as, skipped (the program sends another type, or the struct does not match).");
        _mapOperations = _meter.CreateCounter<long>("ebpf.map.operations", "{operation}", "Map lookups, updates and deletes made through the host.");
        _collectionLoads = _meter.CreateCounter<long>("ebpf.collection.loads", "{load}", "Collections the host loaded and attached, or failed to (ebpf.outcome).");
        _linksAttached = _meter.CreateCounter<long>("ebpf.links.attached", "{link}", "Links the host attached for its collections.");
        _perfLost = _meter.CreateCounter<long>("ebpf.perf.lost", "{sample}", "Samples the kernel dropped because a CPU's perf ring was full (PERF_RECORD_LOST).");
        _ringDiscarded = _meter.CreateCounter<long>("ebpf.ringbuf.discarded", "{record}", "Ring buffer records the program discarded (bpf_ringbuf_discard), skipped by the reader.");
        _ringBusy = _meter.CreateCounter<long>("ebpf.ringbuf.busy", "{record}", "Times a ring buffer reader stopped at a record still being written (reserved, not submitted).");
        _ringBacklog = _meter.CreateGauge<long>("ebpf.ringbuf.backlog.high_water", "By",
            "The most bytes a ring buffer held unread since its consumer started; at the ring's size the kernel drops records.");
        _perfBacklog = _meter.CreateGauge<long>("ebpf.perf.backlog.high_water", "By",
            "The most bytes one CPU's perf ring held unread since its consumer started; at the ring's size the kernel drops samples.");
    }

    /// <summary>Counts records read from <paramref name="source"/>.</summary>
    public void EventsRead(string source, long count = 1) => _eventsRead.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts records lost by <paramref name="source"/>.</summary>
    public void EventsLost(string source, long count) => _eventsLost.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts records of <paramref name="source"/> skipped because they were shorter than the event type a typed consumer reads.</summary>
    public void EventsTooShort(string source, long count) => _eventsTooShort.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts samples the kernel reported lost on perf event array <paramref name="source"/>.</summary>
    public void PerfSamplesLost(string source, long count) => _perfLost.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts discarded records skipped on ring buffer <paramref name="source"/>.</summary>
    public void RingBufferDiscarded(string source, long count) => _ringDiscarded.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Counts the times reading ring buffer <paramref name="source"/> stopped at a record still being written.</summary>
    public void RingBufferBusy(string source, long count) => _ringBusy.Add(count, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Records a new backlog high-water mark of ring buffer <paramref name="source"/>, in bytes.</summary>
    public void RingBufferBacklogHighWater(string source, long bytes) => _ringBacklog.Record(bytes, new KeyValuePair<string, object?>("ebpf.source", source));

    /// <summary>Records a new backlog high-water mark of a CPU's ring of perf event array <paramref name="source"/>, in bytes.</summary>
    public void PerfBacklogHighWater(string source, long bytes) => _perfBacklog.Record(bytes, new KeyValuePair<string, object?>("ebpf.source", source));

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
