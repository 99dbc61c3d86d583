using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// Attaches sk_msg and sk_skb programs to a sockmap or sockhash: a <c>bpf_link</c> (Linux 6.10+), falling back to
/// <c>BPF_PROG_ATTACH</c> (a <see cref="ProgramAttachment"/>).
/// </summary>
public static class SockmapLink
{
    /// <summary>Attaches <paramref name="program"/> to <paramref name="map"/>.</summary>
    /// <param name="program">An sk_msg or sk_skb program.</param>
    /// <param name="map">A sockmap or sockhash.</param>
    /// <param name="attachType"><see cref="BpfAttachType.SkMsgVerdict"/>, <see cref="BpfAttachType.SkSkbStreamVerdict"/>,
    /// <see cref="BpfAttachType.SkSkbStreamParser"/> or <see cref="BpfAttachType.SkSkbVerdict"/>.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, BpfFileDescriptor map, BpfAttachType attachType, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(map);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        try
        {
            return TargetFdLink.Create(program, map, attachType, sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL)
        {
            return ProgramAttachment.Attach(program, map, attachType, 0, sys);
        }
    }
}
