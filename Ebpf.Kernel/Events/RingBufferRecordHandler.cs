namespace Ebpf.Kernel;

/// <summary>
/// Receives one record in place, in the ring buffer's own memory (zero copy). The span is valid only during the call:
/// the reader hands the space back to the kernel when the handler returns.
/// </summary>
/// <param name="data">The sample bytes.</param>
public delegate void RingBufferRecordHandler(ReadOnlySpan<byte> data);
