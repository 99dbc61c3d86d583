namespace WebAgent.Live;

/// <summary>What the live page shows, sent once a second as a Server-Sent Event.</summary>
/// <param name="Time">When the snapshot was taken.</param>
/// <param name="State">The collection's state (<c>Loaded</c>, <c>Failed</c>, ...).</param>
/// <param name="Tracing">The probes and filters in force, as text.</param>
/// <param name="Events">The recent process events, newest first.</param>
/// <param name="EventsTotal">Process events read since start.</param>
/// <param name="SyscallsTimed">System calls counted in the latency histogram.</param>
/// <param name="HistogramSvg">The latency histogram drawn as an SVG element.</param>
internal sealed record LiveSnapshot(DateTimeOffset Time, string State, string Tracing, IReadOnlyList<ProcessRow> Events, long EventsTotal,
    ulong SyscallsTimed, string HistogramSvg);
