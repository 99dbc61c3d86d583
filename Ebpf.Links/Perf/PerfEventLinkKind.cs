namespace Ebpf.Links;

/// <summary>The kind of event a perf event link hooks (<c>enum bpf_perf_event_type</c>).</summary>
public enum PerfEventLinkKind
{
    /// <summary>Unknown.</summary>
    Unspecified = 0,
    /// <summary>A uprobe.</summary>
    Uprobe = 1,
    /// <summary>A uretprobe.</summary>
    Uretprobe = 2,
    /// <summary>A kprobe.</summary>
    Kprobe = 3,
    /// <summary>A kretprobe.</summary>
    Kretprobe = 4,
    /// <summary>A tracepoint.</summary>
    Tracepoint = 5,
    /// <summary>A hardware or software perf event.</summary>
    Event = 6,
}
