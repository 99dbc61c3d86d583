using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// Attaches cgroup programs (skb, sock, sock_addr, sockopt, sysctl, device, sock_ops, lsm_cgroup) to a cgroup v2:
/// a <c>bpf_link</c> (Linux 5.7+), falling back to <c>BPF_PROG_ATTACH</c> (a <see cref="ProgramAttachment"/>).
/// </summary>
public static class CgroupLink
{
    /// <summary><c>O_RDONLY | O_DIRECTORY</c>.</summary>
    private const int OpenDirectory = 0x10000;

    /// <summary>Attaches <paramref name="program"/> to the cgroup open as <paramref name="cgroup"/>.</summary>
    /// <param name="program">A cgroup program.</param>
    /// <param name="cgroup">A descriptor of the cgroup v2 directory.</param>
    /// <param name="attachType">The hook, e.g. <see cref="BpfAttachType.CgroupInetEgress"/>.</param>
    /// <param name="fallbackFlags">The flags for the <c>BPF_PROG_ATTACH</c> fallback (links always behave as multi).</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, BpfFileDescriptor cgroup, BpfAttachType attachType,
        CgroupAttachFlags fallbackFlags = CgroupAttachFlags.AllowMulti, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(cgroup);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        try
        {
            return TargetFdLink.Create(program, cgroup, attachType, sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL)
        {
            // Before 5.7 BPF_LINK_CREATE does not exist.
            return ProgramAttachment.Attach(program, cgroup, attachType, (uint)fallbackFlags, sys);
        }
    }

    /// <summary>Attaches <paramref name="program"/> to the cgroup v2 directory <paramref name="cgroupPath"/>.</summary>
    /// <param name="program">A cgroup program.</param>
    /// <param name="cgroupPath">The cgroup directory, e.g. <c>/sys/fs/cgroup/unified/my.slice</c>.</param>
    /// <param name="attachType">The hook.</param>
    /// <param name="fallbackFlags">The flags for the <c>BPF_PROG_ATTACH</c> fallback.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, string cgroupPath, BpfAttachType attachType,
        CgroupAttachFlags fallbackFlags = CgroupAttachFlags.AllowMulti, IBpfSyscalls? syscalls = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(cgroupPath);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        using var cgroup = sys.OpenPath(cgroupPath, OpenDirectory);
        return Attach(program, cgroup, attachType, fallbackFlags, sys);
    }
}
