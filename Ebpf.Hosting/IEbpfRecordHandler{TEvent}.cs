namespace Ebpf.Hosting;

/// <summary>
/// Handles the events a hosted consumer reads as a <typeparamref name="TEvent"/>, without a copy to the heap or an
/// allocation: a ring buffer record is handed in the ring's own memory, a perf sample as a copy on the consumer's
/// stack (perf samples are only 4-byte aligned). The consumer calls it on its own dedicated thread, the one woken by
/// the kernel, for every event available at a wake-up (a batch), then calls <see cref="OnBatchEnd"/> before it waits
/// again. Register it with <c>AddEbpfEventRecordConsumer&lt;THandler, TEvent&gt;</c>; it reads ring buffers, perf
/// event arrays and ring-or-perf event buffers (<c>ebpf/buffer.bpf.h</c>) alike.
/// </summary>
/// <typeparam name="TEvent">The event's C layout, e.g. a struct the generator wrote from the object's BTF.</typeparam>
/// <remarks>
/// Lifetime rule: <c>e</c> is valid only during the call; a ring buffer record's space is handed back to the kernel
/// when <see cref="Handle"/> returns. Copy what must outlive the call. A record may be longer than
/// <typeparamref name="TEvent"/> (a variable-size tail, perf padding): the handler sees its first bytes. A record
/// shorter than <typeparamref name="TEvent"/> is not handed over: the consumer skips it, counts it
/// (<c>ebpf.events.short</c>) and logs a Warning the first time. Block as little as possible: while the handler runs
/// the ring fills, and once it is full the kernel drops new records. An exception stops the consumer (the record is
/// consumed).
/// </remarks>
public interface IEbpfRecordHandler<TEvent>
    where TEvent : unmanaged
{
    /// <summary>Handles one event in place.</summary>
    /// <param name="e">The record's first <c>sizeof(TEvent)</c> bytes; valid only during the call.</param>
    /// <param name="cpu">The CPU whose perf ring held the record; -1 for ring buffers.</param>
    void Handle(in TEvent e, int cpu);

    /// <summary>Called after each batch, before the consumer waits for more: the place to flush what the batch gathered.</summary>
    void OnBatchEnd()
    {
    }
}
