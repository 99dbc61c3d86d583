using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// An XDP program attached to a network device with a <c>bpf_link</c> (Linux 5.9+), made by
/// <see cref="NetworkAttachExtensions.AttachXdp(Program, int, XdpAttachFlags)"/>.
/// </summary>
public sealed class XdpLink : Link
{
    private XdpLink(BpfFileDescriptor fd, IBpfSyscalls syscalls, int ifIndex)
        : base(fd, syscalls)
    {
        IfIndex = ifIndex;
    }

    /// <summary>The index of the device the program is attached to.</summary>
    public int IfIndex { get; }

    /// <summary>Links <paramref name="program"/> to device <paramref name="ifIndex"/> (<c>BPF_LINK_CREATE</c> with <c>BPF_XDP</c>).</summary>
    internal static XdpLink Attach(BpfFileDescriptor program, int ifIndex, XdpAttachFlags flags, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        try
        {
            using var programUse = new FdUse(program);
            var fd = sys.LinkCreate(new LinkCreateAttr
            {
                ProgFd = programUse.Fd, TargetIfIndex = (uint)ifIndex, AttachType = BpfAttachType.Xdp, Flags = (uint)flags,
            });
            return new XdpLink(fd, sys, ifIndex);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.Xdp))
        {
            throw new EbpfNotSupportedException("XDP links (BPF_LINK_CREATE with BPF_XDP)", "5.9", e.Errno, e);
        }
    }
}
