namespace Ebpf.Kernel;

/// <summary>Adapts an <see cref="EventRecordHandler{T}"/> to the struct handler loop of <see cref="RingBufferReader"/>: the record in place as a <c>T</c>.</summary>
internal readonly struct TypedRecordHandler<T>(EventRecordHandler<T> handler) : IRingBufferRecordHandler
    where T : unmanaged
{
    public void Handle(ReadOnlySpan<byte> data) => handler(in TypedRecord.InPlace<T>(data, "ring buffer"));
}
