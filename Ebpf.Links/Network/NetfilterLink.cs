using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A netfilter program (<c>BPF_PROG_TYPE_NETFILTER</c>) attached to a netfilter hook (Linux 6.4+), made by
/// <see cref="NetworkAttachExtensions.AttachNetfilter"/>.
/// </summary>
public sealed class NetfilterLink : Link
{
    private NetfilterLink(BpfFileDescriptor fd, IBpfSyscalls syscalls, NetfilterProtocolFamily protocolFamily, NetfilterHook hook, int priority)
        : base(fd, syscalls)
    {
        ProtocolFamily = protocolFamily;
        Hook = hook;
        Priority = priority;
    }

    /// <summary>The protocol family of the hook.</summary>
    public NetfilterProtocolFamily ProtocolFamily { get; }

    /// <summary>The hook.</summary>
    public NetfilterHook Hook { get; }

    /// <summary>The priority among the hook's functions.</summary>
    public int Priority { get; }

    /// <summary>Links <paramref name="program"/> to hook <paramref name="hook"/> of protocol family <paramref name="protocolFamily"/>.</summary>
    internal static NetfilterLink Attach(BpfFileDescriptor program, NetfilterProtocolFamily protocolFamily, NetfilterHook hook, int priority,
        NetfilterAttachFlags flags, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        try
        {
            using var programUse = new FdUse(program);
            return new NetfilterLink(sys.LinkCreate(new LinkCreateAttr
            {
                ProgFd = programUse.Fd,
                AttachType = BpfAttachType.Netfilter,
                NetfilterPf = (uint)protocolFamily,
                NetfilterHooknum = (uint)hook,
                NetfilterPriority = priority,
                NetfilterFlags = (uint)flags,
            }), sys, protocolFamily, hook, priority);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.Netfilter))
        {
            throw new EbpfNotSupportedException("netfilter links", "6.4", e.Errno, e);
        }
    }
}
