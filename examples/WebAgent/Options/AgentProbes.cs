namespace WebAgent.Options;

/// <summary>The probes the agent attaches; in configuration a comma-separated list, e.g. <c>Exec, SyscallLatency</c>.</summary>
[Flags]
public enum AgentProbes
{
    /// <summary>Nothing (refused at start).</summary>
    None = 0,

    /// <summary>Process execs: tracepoint <c>sched/sched_process_exec</c>.</summary>
    Exec = 1,

    /// <summary>Process exits with their lifetime and status: tracepoint <c>sched/sched_process_exit</c>.</summary>
    Exit = 2,

    /// <summary>System call latency as a log2 histogram: raw tracepoints <c>sys_enter</c> and <c>sys_exit</c>.</summary>
    SyscallLatency = 4,
}
