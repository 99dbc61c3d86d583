using Ebpf.Kernel;

namespace Ebpf.Hosting;

/// <summary>Hands ring buffer records from <see cref="RingBufferReader.Consume{THandler}(ref THandler, int)"/> to an <see cref="IEbpfRecordHandler"/>.</summary>
internal readonly struct RecordHandlerAdapter(IEbpfRecordHandler handler) : IRingBufferRecordHandler
{
    public void Handle(ReadOnlySpan<byte> data) => handler.Handle(data, -1);
}
