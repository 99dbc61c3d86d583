namespace Ebpf.Kernel;

/// <summary>A reader whose records <see cref="EventChannel.ReadAllAsync"/> streams.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal interface IEventSource<TRecord>
{
    /// <summary>Reads the next record without waiting; false when none is available.</summary>
    bool TryRead(out TRecord record);

    /// <summary>Waits up to <paramref name="timeout"/> until a record is available; false when the timeout expired first.</summary>
    bool Wait(TimeSpan timeout, CancellationToken cancellationToken);
}
