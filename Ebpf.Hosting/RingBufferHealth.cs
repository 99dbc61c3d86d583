using Ebpf.Kernel;

namespace Ebpf.Hosting;

/// <summary>Publishes what a ring buffer reader counted since the last call to the metrics: discarded and busy records, the backlog high-water mark.</summary>
internal sealed class RingBufferHealth(RingBufferReader reader, EbpfMetrics metrics, string source)
{
    private long _discarded;
    private long _busy;
    private long _highWater;

    public void Publish()
    {
        long discarded = reader.DiscardedRecords;
        if (discarded != _discarded)
        {
            metrics.RingBufferDiscarded(source, discarded - _discarded);
            _discarded = discarded;
        }

        long busy = reader.BusyRecords;
        if (busy != _busy)
        {
            metrics.RingBufferBusy(source, busy - _busy);
            _busy = busy;
        }

        long highWater = reader.BacklogHighWater;
        if (highWater > _highWater)
        {
            metrics.RingBufferBacklogHighWater(source, highWater);
            _highWater = highWater;
        }
    }
}
