using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A netfilter program (<c>BPF_PROG_TYPE_NETFILTER</c>) attached to a netfilter hook (Linux 6.4+), made by
/// <see cref="NetworkAttachExtensions.AttachNetfilter(Program, uint, uint, int, uint)"/>.
/// </summary>
public sealed class NetfilterLink : Link
{
    /// <summary><c>BPF_F_NETFILTER_IP_DEFRAG</c>: see reassembled IP packets (Linux 6.6+).</summary>
    public const uint FlagIpDefrag = 1;

    private NetfilterLink(BpfFileDescriptor fd, IBpfSyscalls syscalls)
        : base(fd, syscalls)
    {
    }

    /// <summary>Links <paramref name="program"/> to hook <paramref name="hook"/> of protocol family <paramref name="protocolFamily"/>.</summary>
    internal static NetfilterLink Attach(BpfFileDescriptor program, uint protocolFamily, uint hook, int priority, uint flags, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        try
        {
            using var programUse = new FdUse(program);
            return new NetfilterLink(sys.LinkCreate(new LinkCreateAttr
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
