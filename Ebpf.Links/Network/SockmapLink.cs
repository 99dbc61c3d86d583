using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// An sk_msg or sk_skb program attached to a sockmap or sockhash with a <c>bpf_link</c> (Linux 6.10+), made by
/// <see cref="NetworkAttachExtensions.AttachSockmap(Program, Map, BpfAttachType)"/>; older kernels get a
/// <see cref="ProgramAttachment"/> instead.
/// </summary>
public sealed class SockmapLink : Link
{
    private SockmapLink(BpfFileDescriptor fd, IBpfSyscalls syscalls, BpfAttachType attachType)
        : base(fd, syscalls)
    {
        AttachType = attachType;
    }

    /// <summary>The hook: <see cref="BpfAttachType.SkMsgVerdict"/>, <see cref="BpfAttachType.SkSkbStreamVerdict"/>, ...</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>Links <paramref name="program"/> to <paramref name="map"/>, falling back to <c>BPF_PROG_ATTACH</c>.</summary>
    internal static Link Attach(BpfFileDescriptor program, BpfFileDescriptor map, BpfAttachType attachType, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(map);
        try
        {
            return new SockmapLink(TargetFdLink.Create(program, map, attachType, sys), sys, attachType);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL)
        {
            // Before 6.10 BPF_LINK_CREATE takes no sockmap.
            return ProgramAttachment.Attach(program, map, attachType, 0, sys);
        }
    }
}
