namespace Ebpf.Links;

/// <summary>Options of a netfilter link (<c>BPF_F_NETFILTER_*</c>).</summary>
[Flags]
public enum NetfilterAttachFlags : uint
{
    /// <summary>Packets as they arrive.</summary>
    None = 0,
    /// <summary><c>BPF_F_NETFILTER_IP_DEFRAG</c>: see reassembled IP packets (Linux 6.6+).</summary>
    IpDefrag = 1,
}
