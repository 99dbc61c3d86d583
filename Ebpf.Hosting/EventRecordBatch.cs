namespace Ebpf.Hosting;

/// <summary>What an <see cref="EventRecordDispatcher{TEvent}"/> counted between two batches.</summary>
internal struct EventRecordBatch
{
    /// <summary>Records handed to the handler.</summary>
    public long Handled;

    /// <summary>Records shorter than the event type, skipped.</summary>
    public long TooShort;

    /// <summary>The length of the first record of the batch that was too short.</summary>
    public int ShortLength;

    /// <summary>Samples the kernel reported lost (perf event arrays).</summary>
    public ulong LostSamples;

    /// <summary>The CPU of the last lost-sample record.</summary>
    public int LostCpu;
}
