namespace Ebpf.Kernel;

/// <summary>
/// Receives one perf record in place (zero copy; a record that wraps the ring end comes from a scratch copy). The span
/// is valid only during the call: the reader hands the space back to the kernel when the handler returns.
/// </summary>
/// <param name="cpu">The CPU whose ring held the record.</param>
/// <param name="data">The raw sample (padded as <see cref="PerfEventRecord.Data"/> describes); empty for a lost record.</param>
/// <param name="lostSamples">For a lost record, how many samples were dropped; 0 for a sample.</param>
public delegate void PerfEventRecordHandler(int cpu, ReadOnlySpan<byte> data, ulong lostSamples);
