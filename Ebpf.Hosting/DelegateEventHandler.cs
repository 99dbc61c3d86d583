namespace Ebpf.Hosting;

/// <summary>An <see cref="IEbpfEventHandler"/> over a delegate.</summary>
internal sealed class DelegateEventHandler(Func<EbpfEvent, CancellationToken, ValueTask> handle) : IEbpfEventHandler
{
    public ValueTask HandleAsync(EbpfEvent record, CancellationToken cancellationToken) => handle(record, cancellationToken);
}
