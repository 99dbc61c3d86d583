namespace Ebpf.Kernel;

/// <summary>
/// Adapts a struct <see cref="IEventRecordHandler{T}"/> to the struct handler loop of <see cref="RingBufferReader"/>:
/// the record in place as a <c>T</c>. Holds the handler by value; the caller copies it back after the loop.
/// </summary>
internal struct TypedStructRecordHandler<T, THandler>(THandler handler) : IRingBufferRecordHandler
    where T : unmanaged
    where THandler : struct, IEventRecordHandler<T>
{
    /// <summary>The handler, with the state the records left in it.</summary>
    public THandler Handler = handler;

    public void Handle(ReadOnlySpan<byte> data) => Handler.Handle(in TypedRecord.InPlace<T>(data, "ring buffer"));
}
