namespace Ebpf.Kernel;

/// <summary>
/// A perf record lent in place by <see cref="PerfEventReader.TryAcquire"/> (zero copy, no delegate; a record that
/// wraps the ring end comes from a scratch copy). Read it, then dispose the lease to hand the space back to the
/// kernel; until then the same record is acquired again. Acquire no other record before disposing.
/// </summary>
public readonly ref struct PerfEventLease
{
    private readonly PerfEventReader? _reader;
    private readonly object? _ring;

    internal PerfEventLease(PerfEventReader reader, object ring, int cpu, ReadOnlySpan<byte> data, ulong lostSamples)
    {
        this._reader = reader;
        this._ring = ring;
        Cpu = cpu;
        Data = data;
        LostSamples = lostSamples;
    }

    /// <summary>The CPU whose ring holds the record.</summary>
    public int Cpu { get; }

    /// <summary>The raw sample (padded as <see cref="PerfEventRecord.Data"/> describes); empty for a lost record.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>For a lost record, how many samples were dropped; 0 for a sample.</summary>
    public ulong LostSamples { get; }

    /// <summary>Consumes the record. Disposing again (or a copy) does nothing.</summary>
    public void Dispose()
    {
        if (_reader is not null && _ring is not null)
        {
            _reader.Release(_ring, LostSamples);
        }
    }
}
