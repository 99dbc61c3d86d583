namespace Ebpf.Kernel;

/// <summary>
/// Receives ring buffer records in place for <see cref="RingBufferReader.Consume{THandler}(ref THandler, int)"/>.
/// Implement it on a struct: the reader's loop is then compiled for that struct and the call is inlined (no delegate,
/// no interface dispatch). The span is valid only during the call.
/// </summary>
public interface IRingBufferRecordHandler
{
    /// <summary>Handles one record; the reader hands its space back to the kernel when this returns (or throws).</summary>
    /// <param name="data">The sample bytes, in the ring's memory.</param>
    void Handle(ReadOnlySpan<byte> data);
}
