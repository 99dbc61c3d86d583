namespace Ebpf.Hosting;

/// <summary>
/// Handles the records a hosted ring buffer or perf event consumer reads, in place: no copy, no allocation, no
/// thread-pool hop. The consumer calls it on its own dedicated thread, the one woken by the kernel, for every record
/// available at a wake-up (a batch), then calls <see cref="OnBatchEnd"/> before it waits again. Register it with
/// <c>AddEbpfRingBufferRecordConsumer</c> or <c>AddEbpfPerfEventRecordConsumer</c>.
/// </summary>
/// <remarks>
/// Lifetime rule: <c>data</c> points into the ring's memory (a perf record that wraps the ring end, into a scratch
/// buffer) and is valid only during the call; the space is handed back to the kernel when <see cref="Handle"/> returns.
/// Copy what must outlive the call. Block as little as possible: while the handler runs the ring fills, and once it
/// is full the kernel drops new records. An exception stops the consumer (the record is consumed).
/// </remarks>
public interface IEbpfRecordHandler
{
    /// <summary>Handles one record in place.</summary>
    /// <param name="data">The sample the program wrote (perf samples may carry up to 7 bytes of padding); valid only during the call.</param>
    /// <param name="cpu">The CPU whose perf ring held the record; -1 for ring buffers.</param>
    void Handle(ReadOnlySpan<byte> data, int cpu);

    /// <summary>Called after each batch, before the consumer waits for more: the place to flush what the batch gathered.</summary>
    void OnBatchEnd()
    {
    }
}
