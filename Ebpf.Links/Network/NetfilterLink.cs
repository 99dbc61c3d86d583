using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>Attaches netfilter programs (<c>BPF_PROG_TYPE_NETFILTER</c>) to a netfilter hook (Linux 6.4+).</summary>
public static class NetfilterLink
{
    /// <summary><c>BPF_F_NETFILTER_IP_DEFRAG</c>: see reassembled IP packets (Linux 6.6+).</summary>
    public const uint FlagIpDefrag = 1;

    /// <summary>Attaches <paramref name="program"/> to hook <paramref name="hook"/> of protocol family <paramref name="protocolFamily"/>.</summary>
    /// <param name="program">A netfilter program (returns <c>NF_ACCEPT</c> 1 or <c>NF_DROP</c> 0).</param>
    /// <param name="protocolFamily"><c>NFPROTO_IPV4</c> (2) or <c>NFPROTO_IPV6</c> (10).</param>
    /// <param name="hook"><c>NF_INET_PRE_ROUTING</c> 0, <c>LOCAL_IN</c> 1, <c>FORWARD</c> 2, <c>LOCAL_OUT</c> 3, <c>POST_ROUTING</c> 4.</param>
    /// <param name="priority">The hook priority; neither <see cref="int.MinValue"/> nor <see cref="int.MaxValue"/>.</param>
    /// <param name="flags"><see cref="FlagIpDefrag"/> or 0.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, uint protocolFamily, uint hook, int priority, uint flags = 0, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        try
        {
            using var programUse = new FdUse(program);
            return new Link(sys.LinkCreate(new LinkCreateAttr
            {
                ProgFd = programUse.Fd,
                AttachType = BpfAttachType.Netfilter,
                NetfilterPf = protocolFamily,
                NetfilterHooknum = hook,
                NetfilterPriority = priority,
                NetfilterFlags = flags,
            }), sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.Netfilter))
        {
            throw new EbpfNotSupportedException("netfilter links", "6.4", e.Errno, e);
        }
    }
}
