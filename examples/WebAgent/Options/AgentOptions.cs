namespace WebAgent.Options;

/// <summary>
/// The agent's settings, from the <c>WebAgent</c> section of appsettings.json or environment variables such as
/// <c>WebAgent__Pid=1234</c> and <c>WebAgent__Probes="Exec, Exit"</c>; checked at start by <see cref="AgentOptionsValidator"/>.
/// </summary>
public sealed class AgentOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "WebAgent";

    /// <summary>The probes to attach.</summary>
    public AgentProbes Probes { get; set; } = AgentProbes.Exec | AgentProbes.Exit | AgentProbes.SyscallLatency;

    /// <summary>Trace only this process (thread group id); 0 traces every process.</summary>
    public int Pid { get; set; }

    /// <summary>Trace only this cgroup v2 (its id: <c>stat -c %i /sys/fs/cgroup/PATH</c>); 0 traces every cgroup.</summary>
    public ulong CgroupId { get; set; }

    /// <summary>The ring buffer's size in bytes: a power of two, at least one page.</summary>
    public int RingBufferSize { get; set; } = 256 * 1024;

    /// <summary>How many recent events the live page shows.</summary>
    public int EventRows { get; set; } = 50;

    /// <summary>Where to send metrics over OTLP (e.g. <c>http://otel-collector:4317</c>); empty: no OTLP export.</summary>
    public string? OtlpEndpoint { get; set; }
}
