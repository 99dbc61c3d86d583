namespace Ebpf.Kernel;

/// <summary>Adapts a <see cref="RingBufferRecordHandler"/> delegate to the struct handler loop of <see cref="RingBufferReader"/>.</summary>
internal readonly struct RingBufferDelegateHandler(RingBufferRecordHandler handler) : IRingBufferRecordHandler
{
    public void Handle(ReadOnlySpan<byte> data) => handler(data);
}
