namespace Ebpf.Kernel;

/// <summary>The records of a reader as <typeparamref name="T"/> values, for <see cref="EventChannel.ReadAllAsync"/>.</summary>
internal sealed class TypedEventSource<T>(ITypedEventReader reader) : IEventSource<T>
    where T : unmanaged
{
    public bool TryRead(out T record) => reader.TryReadEvent(out record);

    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => reader.Wait(timeout, cancellationToken);
}
