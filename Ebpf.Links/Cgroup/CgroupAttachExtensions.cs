using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>Attaches a loaded cgroup <see cref="Program"/> to a cgroup v2: <c>program.AttachCgroup("/sys/fs/cgroup/my.slice", BpfAttachType.CgroupInetEgress)</c>.</summary>
public static class CgroupAttachExtensions
{
    /// <summary>
    /// Attaches <paramref name="program"/> to the cgroup v2 directory <paramref name="cgroupPath"/>: a
    /// <see cref="CgroupLink"/> (Linux 5.7+), else a <see cref="ProgramAttachment"/> (<c>BPF_PROG_ATTACH</c> with
    /// <paramref name="fallbackFlags"/>).
    /// </summary>
    /// <param name="program">A cgroup program (skb, sock, sock_addr, sockopt, sysctl, device, sock_ops, lsm_cgroup).</param>
    /// <param name="cgroupPath">The cgroup directory, e.g. <c>/sys/fs/cgroup/my.slice</c>.</param>
    /// <param name="attachType">The hook, e.g. <see cref="BpfAttachType.CgroupInetEgress"/>.</param>
    /// <param name="fallbackFlags">The flags of the <c>BPF_PROG_ATTACH</c> fallback (links always behave as multi).</param>
    public static Link AttachCgroup(this Program program, string cgroupPath, BpfAttachType attachType,
        CgroupAttachFlags fallbackFlags = CgroupAttachFlags.AllowMulti)
    {
        ArgumentNullException.ThrowIfNull(program);
        return CgroupLink.Attach(program.FileDescriptor, cgroupPath, attachType, fallbackFlags, program.Syscalls);
    }

    /// <summary>Attaches <paramref name="program"/> to the cgroup open as <paramref name="cgroup"/>, as <see cref="AttachCgroup(Program, string, BpfAttachType, CgroupAttachFlags)"/>.</summary>
    /// <param name="program">A cgroup program.</param>
    /// <param name="cgroup">A descriptor of the cgroup v2 directory; the caller keeps it.</param>
    /// <param name="attachType">The hook.</param>
    /// <param name="fallbackFlags">The flags of the <c>BPF_PROG_ATTACH</c> fallback.</param>
    public static Link AttachCgroup(this Program program, BpfFileDescriptor cgroup, BpfAttachType attachType,
        CgroupAttachFlags fallbackFlags = CgroupAttachFlags.AllowMulti)
    {
        ArgumentNullException.ThrowIfNull(program);
        return CgroupLink.Attach(program.FileDescriptor, cgroup, attachType, fallbackFlags, program.Syscalls);
    }
}
