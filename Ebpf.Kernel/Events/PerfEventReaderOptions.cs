namespace Ebpf.Kernel;

/// <summary>How <see cref="PerfEventReader"/> sets up its per-CPU perf rings.</summary>
public sealed record PerfEventReaderOptions
{
    /// <summary>Data pages per CPU ring; a power of two (the ring also has one metadata page). Default 8.</summary>
    public int PagesPerCpu { get; init; } = 8;

    /// <summary>Wake a waiting reader after this many samples (<c>wakeup_events</c>); ignored when <see cref="WakeupWatermark"/> is set. Default 1.</summary>
    public int WakeupEvents { get; init; } = 1;

    /// <summary>
    /// When positive, wake a waiting reader once this many bytes are in a ring (<c>watermark</c>, <c>wakeup_watermark</c>)
    /// instead of counting samples. Records below the watermark are still read when a wait times out or another ring wakes.
    /// </summary>
    public int WakeupWatermark { get; init; }

    /// <summary>
    /// Overwritable rings (<c>write_backward</c>, mapped read-only): when full, the kernel overwrites the oldest records
    /// instead of losing new ones. Each read takes a snapshot of what was written since the previous one (pausing the
    /// ring meanwhile) and returns it newest first; no lost records are reported.
    /// </summary>
    public bool Overwritable { get; init; }
}
