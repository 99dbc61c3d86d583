namespace Ebpf.Kernel;

/// <summary>
/// A perf event array's records for <see cref="EventChannel.ReadAllAsync"/> with <see cref="RecordLifetime.UntilNextRecord"/>:
/// each sample is copied into one <see cref="ReusedRecordBuffer"/> and consumed at once; lost records come with empty data.
/// </summary>
internal sealed class PerfEventReusingSource(PerfEventReader reader) : IEventSource<PerfEventRecord>
{
    private readonly ReusedRecordBuffer _buffer = new();

    public bool TryRead(out PerfEventRecord record)
    {
        if (!reader.TryAcquire(out var lease))
        {
            record = default;
            return false;
        }

        using (lease)
        {
            var data = lease.Data.IsEmpty ? ReadOnlyMemory<byte>.Empty : _buffer.Copy(lease.Data);
            record = new PerfEventRecord(lease.Cpu, data, lease.LostSamples);
        }

        return true;
    }

    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => reader.Wait(timeout, cancellationToken);
}
