namespace Ebpf.Kernel;

/// <summary>
/// A record read by <see cref="PerfEventReader"/>: a sample a program wrote with <c>bpf_perf_event_output</c>, or a
/// count of samples the kernel lost because the ring was full.
/// </summary>
/// <param name="Cpu">The CPU whose ring held the record.</param>
/// <param name="Data">
/// A copy of the raw sample; empty for a lost record. The kernel pads the sample so that its 4-byte size and the data
/// end on an 8-byte boundary, so up to 7 bytes after what the program wrote may follow.
/// </param>
/// <param name="LostSamples">For a lost record (<c>PERF_RECORD_LOST</c>), how many samples were dropped; 0 for a sample.</param>
public readonly record struct PerfEventRecord(int Cpu, ReadOnlyMemory<byte> Data, ulong LostSamples)
{
    /// <summary>True for a lost-samples record.</summary>
    public bool IsLost => LostSamples != 0;
}
