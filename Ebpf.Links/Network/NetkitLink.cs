using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>Attaches programs to a netkit device's primary or peer side (Linux 6.7+).</summary>
public static class NetkitLink
{
    /// <summary>Attaches <paramref name="program"/> to netkit device <paramref name="ifIndex"/>.</summary>
    /// <param name="program">A sched_cls program.</param>
    /// <param name="ifIndex">The interface index of the netkit primary device.</param>
    /// <param name="attachType"><see cref="BpfAttachType.NetkitPrimary"/> or <see cref="BpfAttachType.NetkitPeer"/>.</param>
    /// <param name="anchor">Where the program goes among the device's programs; null for <see cref="LinkAnchor.Last"/>.</param>
    /// <param name="expectedRevision">Fail with ESTALE unless the program list has this revision; 0 for any.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, int ifIndex, BpfAttachType attachType, LinkAnchor? anchor = null,
        ulong expectedRevision = 0, IBpfSyscalls? syscalls = null)
    {
        if (attachType is not (BpfAttachType.NetkitPrimary or BpfAttachType.NetkitPeer))
        {
            throw new ArgumentOutOfRangeException(nameof(attachType), attachType, "netkit links take BPF_NETKIT_PRIMARY or BPF_NETKIT_PEER");
        }

        return DeviceLink.Create(program, ifIndex, attachType, anchor, expectedRevision, syscalls ?? LinuxBpfSyscalls.Instance);
    }
}
