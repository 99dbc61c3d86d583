namespace Ebpf.Links;

/// <summary>The protocol family of a netfilter hook (<c>NFPROTO_*</c>) that netfilter links take.</summary>
public enum NetfilterProtocolFamily : uint
{
    /// <summary><c>NFPROTO_IPV4</c>.</summary>
    IPv4 = 2,
    /// <summary><c>NFPROTO_IPV6</c>.</summary>
    IPv6 = 10,
}
