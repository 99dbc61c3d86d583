using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>The shared <c>BPF_LINK_CREATE</c> of hooks named by a target descriptor (cgroup, network namespace, sockmap).</summary>
internal static class TargetFdLink
{
    /// <summary>Links <paramref name="program"/> to <paramref name="target"/> at <paramref name="attachType"/>; the caller maps errors.</summary>
    public static BpfFileDescriptor Create(BpfFileDescriptor program, BpfFileDescriptor target, BpfAttachType attachType, IBpfSyscalls sys)
    {
        using var programUse = new FdUse(program);
        using var targetUse = new FdUse(target);
        return sys.LinkCreate(new LinkCreateAttr
        {
            ProgFd = programUse.Fd, TargetFd = targetUse.Fd, AttachType = attachType,
        });
    }
}
