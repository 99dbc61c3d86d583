namespace Ebpf.Links;

/// <summary>The XDP programs attached to a device through netlink or links, per mode (<c>ip link show dev X</c>).</summary>
public sealed record XdpDeviceInfo
{
    /// <summary>The device's interface index.</summary>
    public int IfIndex { get; init; }

    /// <summary>The program when one mode has one; 0 when none or when several modes have one.</summary>
    public uint ProgramId { get; init; }

    /// <summary>The native driver mode's program, or 0.</summary>
    public uint DriverProgramId { get; init; }

    /// <summary>The generic (skb) mode's program, or 0.</summary>
    public uint GenericProgramId { get; init; }

    /// <summary>The offloaded program, or 0.</summary>
    public uint OffloadProgramId { get; init; }

    /// <summary>The program of <paramref name="mode"/>; for <see cref="XdpAttachFlags.None"/> the only one attached (<see cref="ProgramId"/>).</summary>
    /// <param name="mode">One of <see cref="XdpAttachFlags.Generic"/>, <see cref="XdpAttachFlags.Driver"/>, <see cref="XdpAttachFlags.Offload"/>, or none.</param>
    public uint ProgramIdOf(XdpAttachFlags mode) => mode switch
    {
        XdpAttachFlags.Generic => GenericProgramId,
        XdpAttachFlags.Driver => DriverProgramId,
        XdpAttachFlags.Offload => OffloadProgramId,
        _ => ProgramId,
    };
}
