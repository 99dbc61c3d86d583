namespace Ebpf.Hosting;

/// <summary>Handles the records a hosted ring buffer or perf event consumer reads, one at a time, in order.</summary>
public interface IEbpfEventHandler
{
    /// <summary>Handles one record; the consumer reads the next one when the returned task completes.</summary>
    /// <param name="record">
    /// The record. Its <see cref="EbpfEvent.Data"/> lies in the consumer's own buffer and is valid until the returned
    /// task completes: the consumer copies the next record over it. Copy what must outlive the call
    /// (<c>record.Data.ToArray()</c>, or a struct read from it).
    /// </param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    ValueTask HandleAsync(EbpfEvent record, CancellationToken cancellationToken);
}
