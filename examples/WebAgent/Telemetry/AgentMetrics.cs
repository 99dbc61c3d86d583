using System.Diagnostics.Metrics;
using WebAgent.Tracing;

namespace WebAgent.Telemetry;

/// <summary>
/// The example's own instruments on the <c>WebAgent</c> meter: processes started and ended, how long they ran, and
/// the system calls the latency histogram has counted.
/// </summary>
internal sealed class AgentMetrics
{
    public const string MeterName = "WebAgent";

    private readonly Counter<long> _execs;
    private readonly Counter<long> _exits;
    private readonly Histogram<double> _lifetime;

    public AgentMetrics(IMeterFactory meterFactory, SyscallLatency latency)
    {
        var meter = meterFactory.Create(MeterName);
        _execs = meter.CreateCounter<long>("webagent.process.execs", "{process}", "Processes that called execve, seen by the sched_process_exec tracepoint.");
        _exits = meter.CreateCounter<long>("webagent.process.exits", "{process}", "Processes that ended, seen by the sched_process_exit tracepoint.");
        _lifetime = meter.CreateHistogram<double>("webagent.process.lifetime", "s", "How long each ended process ran.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.01, 0.1, 1, 10, 60, 600, 3600] });
        meter.CreateObservableCounter("webagent.syscalls.timed", () => (long)(latency.Read()?.Total ?? 0), "{syscall}",
            "System calls whose latency the sys_enter/sys_exit raw tracepoints measured.");
    }

    public void Exec() => _execs.Add(1);

    public void Exit(TimeSpan lifetime)
    {
        _exits.Add(1);
        _lifetime.Record(lifetime.TotalSeconds);
    }
}
