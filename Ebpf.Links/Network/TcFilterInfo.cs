namespace Ebpf.Links;

/// <summary>A <c>cls_bpf</c> filter as the kernel reports it (<c>tc filter show dev X ingress</c>).</summary>
public sealed record TcFilterInfo
{
    /// <summary>The device's interface index.</summary>
    public int IfIndex { get; init; }

    /// <summary>The side of the clsact qdisc.</summary>
    public TcDirection Direction { get; init; }

    /// <summary>The filter's handle.</summary>
    public uint Handle { get; init; }

    /// <summary>The filter's priority (lower runs first).</summary>
    public ushort Priority { get; init; }

    /// <summary>The id of the program the filter runs; 0 when the kernel does not report it (before 4.13).</summary>
    public uint ProgramId { get; init; }

    /// <summary>The filter's name (<c>TCA_BPF_NAME</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>Whether the program's return value is the action (direct-action mode).</summary>
    public bool DirectAction { get; init; }
}
