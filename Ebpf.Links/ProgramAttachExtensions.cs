using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Attaches a loaded <see cref="Program"/> to a target descriptor with <c>BPF_PROG_ATTACH</c>, for hooks without a
/// <c>bpf_link</c> (lirc, old cgroup and sockmap kernels). The kind-specific verbs are on
/// <see cref="NetworkAttachExtensions"/>, <see cref="TracingAttachExtensions"/>, <see cref="ProbeAttachExtensions"/>,
/// <see cref="PerfEventAttachExtensions"/> and <see cref="CgroupAttachExtensions"/>.
/// </summary>
public static class ProgramAttachExtensions
{
    /// <summary>
    /// Attaches <paramref name="program"/> to <paramref name="target"/> (a cgroup, sockmap, sockhash, network namespace
    /// or device descriptor) with <c>BPF_PROG_ATTACH</c>; disposing the result detaches (<c>BPF_PROG_DETACH</c>). Both
    /// descriptors are duplicated: the caller keeps its own.
    /// </summary>
    /// <param name="program">The program.</param>
    /// <param name="target">The object to attach to.</param>
    /// <param name="attachType">The hook.</param>
    /// <param name="flags">The <c>BPF_F_*</c> attach flags (<see cref="CgroupAttachFlags"/> for cgroups).</param>
    public static ProgramAttachment AttachRaw(this Program program, BpfFileDescriptor target, BpfAttachType attachType, uint flags = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        return ProgramAttachment.Attach(program.FileDescriptor, target, attachType, flags, program.Syscalls);
    }
}
