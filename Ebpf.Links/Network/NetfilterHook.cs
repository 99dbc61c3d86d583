namespace Ebpf.Links;

/// <summary>A netfilter hook of the IPv4 and IPv6 families (<c>enum nf_inet_hooks</c>).</summary>
public enum NetfilterHook : uint
{
    /// <summary><c>NF_INET_PRE_ROUTING</c>: every packet received, before routing.</summary>
    PreRouting = 0,
    /// <summary><c>NF_INET_LOCAL_IN</c>: packets for this host.</summary>
    LocalIn = 1,
    /// <summary><c>NF_INET_FORWARD</c>: packets routed through this host.</summary>
    Forward = 2,
    /// <summary><c>NF_INET_LOCAL_OUT</c>: packets this host sends.</summary>
    LocalOut = 3,
    /// <summary><c>NF_INET_POST_ROUTING</c>: every packet sent, after routing.</summary>
    PostRouting = 4,
}
