using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>Attaches tc programs (<c>BPF_PROG_TYPE_SCHED_CLS</c>) to a device's TCX ingress or egress hook (Linux 6.6+).</summary>
public static class TcxLink
{
    /// <summary>Attaches <paramref name="program"/> to device <paramref name="ifIndex"/>.</summary>
    /// <param name="program">A sched_cls program.</param>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="attachType"><see cref="BpfAttachType.TcxIngress"/> or <see cref="BpfAttachType.TcxEgress"/>.</param>
    /// <param name="anchor">Where the program goes among the device's programs; null for <see cref="LinkAnchor.Last"/>.</param>
    /// <param name="expectedRevision">Fail with ESTALE unless the program list has this revision; 0 for any.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, int ifIndex, BpfAttachType attachType, LinkAnchor? anchor = null,
        ulong expectedRevision = 0, IBpfSyscalls? syscalls = null)
    {
        if (attachType is not (BpfAttachType.TcxIngress or BpfAttachType.TcxEgress))
        {
            throw new ArgumentOutOfRangeException(nameof(attachType), attachType, "TCX links take BPF_TCX_INGRESS or BPF_TCX_EGRESS");
        }

        return DeviceLink.Create(program, ifIndex, attachType, anchor, expectedRevision, syscalls ?? LinuxBpfSyscalls.Instance);
    }
}
