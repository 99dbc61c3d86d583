namespace Ebpf.Links;

/// <summary>The XDP mode (<c>XDP_FLAGS_*</c>); <see cref="None"/> lets the kernel choose (driver mode when available).</summary>
[Flags]
public enum XdpAttachFlags : uint
{
    /// <summary>Driver mode if the driver supports it, else generic.</summary>
    None = 0,
    /// <summary><c>XDP_FLAGS_SKB_MODE</c>: generic XDP, for any device, after the skb is built.</summary>
    Generic = 2,
    /// <summary><c>XDP_FLAGS_DRV_MODE</c>: native driver XDP.</summary>
    Driver = 4,
    /// <summary><c>XDP_FLAGS_HW_MODE</c>: offloaded to the NIC.</summary>
    Offload = 8,
}
