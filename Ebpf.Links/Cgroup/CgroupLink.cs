using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A cgroup program (skb, sock, sock_addr, sockopt, sysctl, device, sock_ops, lsm_cgroup) attached to a cgroup v2 with a
/// <c>bpf_link</c> (Linux 5.7+), made by <see cref="CgroupAttachExtensions.AttachCgroup(Program, string, BpfAttachType, CgroupAttachFlags)"/>;
/// older kernels get a <see cref="ProgramAttachment"/> instead.
/// </summary>
public sealed class CgroupLink : Link
{
    /// <summary><c>O_RDONLY | O_DIRECTORY</c>.</summary>
    private const int OpenDirectory = 0x10000;

    private CgroupLink(BpfFileDescriptor fd, IBpfSyscalls syscalls, BpfAttachType attachType)
        : base(fd, syscalls)
    {
        AttachType = attachType;
    }

    /// <summary>The hook, e.g. <see cref="BpfAttachType.CgroupInetEgress"/>.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>Links <paramref name="program"/> to the cgroup open as <paramref name="cgroup"/>, falling back to <c>BPF_PROG_ATTACH</c> with <paramref name="fallbackFlags"/>.</summary>
    internal static Link Attach(BpfFileDescriptor program, BpfFileDescriptor cgroup, BpfAttachType attachType, CgroupAttachFlags fallbackFlags,
        IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(cgroup);
        try
        {
            return new CgroupLink(TargetFdLink.Create(program, cgroup, attachType, sys), sys, attachType);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL)
        {
            // Before 5.7 BPF_LINK_CREATE does not exist.
            return ProgramAttachment.Attach(program, cgroup, attachType, (uint)fallbackFlags, sys);
        }
    }

    /// <summary>Links <paramref name="program"/> to the cgroup v2 directory <paramref name="cgroupPath"/>.</summary>
    internal static Link Attach(BpfFileDescriptor program, string cgroupPath, BpfAttachType attachType, CgroupAttachFlags fallbackFlags,
        IBpfSyscalls sys)
    {
        ArgumentException.ThrowIfNullOrEmpty(cgroupPath);
        using var cgroup = sys.System().OpenPath(cgroupPath, OpenDirectory);
        return Attach(program, cgroup, attachType, fallbackFlags, sys);
    }
}
