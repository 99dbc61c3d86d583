using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>The shared <c>BPF_LINK_CREATE</c> of multi-program device hooks (TCX, netkit).</summary>
internal static class DeviceLink
{
    /// <summary>Links <paramref name="program"/> to device <paramref name="ifIndex"/> at the anchor and revision of <paramref name="options"/>.</summary>
    public static BpfFileDescriptor Create(BpfFileDescriptor program, int ifIndex, BpfAttachType attachType, DeviceLinkOptions? options,
        IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        var anchor = options?.Anchor ?? LinkAnchor.Last;
        using var programUse = new FdUse(program);
        using var relativeUse = FdUse.Optional(anchor.Relative);
        var attr = new LinkCreateAttr
        {
            ProgFd = programUse.Fd,
            TargetIfIndex = (uint)ifIndex,
            AttachType = attachType,
            Flags = anchor.Flags,
            RelativeFdOrId = anchor.Relative is null ? anchor.RelativeId : relativeUse.Fd,
        };
        attr.ExpectedRevision = options?.ExpectedRevision ?? 0;
        try
        {
            return sys.LinkCreate(attr);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && attachType is BpfAttachType.TcxIngress or BpfAttachType.TcxEgress
            && LinkTypeSupport.IsKnownMissing(BpfLinkType.Tcx))
        {
            throw new EbpfNotSupportedException("TCX links", "6.6", e.Errno, e);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && attachType is BpfAttachType.NetkitPrimary or BpfAttachType.NetkitPeer
            && LinkTypeSupport.IsKnownMissing(BpfLinkType.Netkit))
        {
            throw new EbpfNotSupportedException("netkit links", "6.7", e.Errno, e);
        }
    }
}
