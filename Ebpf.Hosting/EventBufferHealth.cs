using Ebpf.Kernel;

namespace Ebpf.Hosting;

/// <summary>
/// Publishes the health of an event buffer's rings to the metrics, whichever kind it was loaded as: a ring buffer's
/// discarded and busy records and backlog high-water mark (<see cref="RingBufferHealth"/>), a perf event array's
/// backlog high-water mark.
/// </summary>
internal sealed class EventBufferHealth
{
    private readonly RingBufferHealth? _ring;
    private readonly PerfEventReader? _perf;
    private readonly EbpfMetrics _metrics;
    private readonly string _source;
    private long _perfHighWater;

    public EventBufferHealth(EventBufferReader reader, EbpfMetrics metrics, string source)
    {
        _ring = reader.RingBuffer is { } ring ? new RingBufferHealth(ring, metrics, source) : null;
        _perf = reader.PerfEvents;
        _metrics = metrics;
        _source = source;
    }

    public void Publish()
    {
        _ring?.Publish();
        if (_perf is not null && _perf.BacklogHighWater is var highWater && highWater > _perfHighWater)
        {
            _perfHighWater = highWater;
            _metrics.PerfBacklogHighWater(_source, highWater);
        }
    }
}
