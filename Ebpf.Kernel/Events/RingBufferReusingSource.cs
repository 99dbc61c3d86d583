namespace Ebpf.Kernel;

/// <summary>
/// A ring buffer's records for <see cref="EventChannel.ReadAllAsync"/> with <see cref="RecordLifetime.UntilNextRecord"/>:
/// each record is copied into one <see cref="ReusedRecordBuffer"/> and consumed at once.
/// </summary>
internal sealed class RingBufferReusingSource(RingBufferReader reader) : IEventSource<RingBufferRecord>
{
    private readonly ReusedRecordBuffer _buffer = new();

    public bool TryRead(out RingBufferRecord record)
    {
        if (!reader.TryAcquire(out var lease))
        {
            record = default;
            return false;
        }

        using (lease)
        {
            record = new RingBufferRecord(_buffer.Copy(lease.Data));
        }

        return true;
    }

    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => reader.Wait(timeout, cancellationToken);
}
