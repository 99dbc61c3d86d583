namespace Ebpf.Kernel;

/// <summary>
/// The samples of an <see cref="EventBufferReader"/>, ring buffer or perf event array, as bytes for
/// <see cref="EventChannel.ReadAllAsync"/>: each copied into an array of its own, or into <paramref name="reused"/>
/// when given (<see cref="RecordLifetime.UntilNextRecord"/>). Perf lost-sample records are consumed (their counts add
/// to <see cref="PerfEventReader.LostSamples"/>) and not streamed.
/// </summary>
internal sealed class EventBufferByteSource(RingBufferReader? ring, PerfEventReader? perf, ReusedRecordBuffer? reused) : IEventSource<ReadOnlyMemory<byte>>
{
    public bool TryRead(out ReadOnlyMemory<byte> record)
    {
        if (ring is not null)
        {
            if (ring.TryAcquire(out var lease))
            {
                using (lease)
                {
                    record = Copy(lease.Data);
                }

                return true;
            }
        }
        else
        {
            while (perf!.TryAcquire(out var lease))
            {
                using (lease)
                {
                    if (lease.LostSamples == 0)
                    {
                        record = Copy(lease.Data);
                        return true;
                    }
                }
            }
        }

        record = default;
        return false;
    }

    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) =>
        ring is not null ? ring.Wait(timeout, cancellationToken) : perf!.Wait(timeout, cancellationToken);

    private ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> sample) => reused is not null ? reused.Copy(sample) : sample.ToArray();
}
