namespace Ebpf.Kernel;

/// <summary>A reader that reads its records as unmanaged values, for <see cref="TypedEventSource{T}"/>.</summary>
internal interface ITypedEventReader
{
    /// <summary>Reads and consumes the next record as a <typeparamref name="T"/> without waiting; false when none is available.</summary>
    bool TryReadEvent<T>(out T value)
        where T : unmanaged;

    /// <summary>Waits up to <paramref name="timeout"/> until a record is available; false when the timeout expired first.</summary>
    bool Wait(TimeSpan timeout, CancellationToken cancellationToken);
}
