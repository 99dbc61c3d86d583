using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A tc program (<c>BPF_PROG_TYPE_SCHED_CLS</c>) attached to a device's TCX ingress or egress hook (Linux 6.6+), made by
/// <see cref="NetworkAttachExtensions.AttachTcx(Program, int, BpfAttachType, DeviceLinkOptions?)"/>.
/// </summary>
public sealed class TcxLink : Link
{
    private TcxLink(BpfFileDescriptor fd, IBpfSyscalls syscalls, int ifIndex, BpfAttachType attachType)
        : base(fd, syscalls)
    {
        IfIndex = ifIndex;
        AttachType = attachType;
    }

    /// <summary>The index of the device the program is attached to.</summary>
    public int IfIndex { get; }

    /// <summary><see cref="BpfAttachType.TcxIngress"/> or <see cref="BpfAttachType.TcxEgress"/>.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>Links <paramref name="program"/> to device <paramref name="ifIndex"/> at <paramref name="attachType"/>.</summary>
    internal static TcxLink Attach(BpfFileDescriptor program, int ifIndex, BpfAttachType attachType, DeviceLinkOptions? options, IBpfSyscalls sys)
    {
        if (attachType is not (BpfAttachType.TcxIngress or BpfAttachType.TcxEgress))
        {
            throw new ArgumentOutOfRangeException(nameof(attachType), attachType, "TCX links take BPF_TCX_INGRESS or BPF_TCX_EGRESS");
        }

        return new TcxLink(DeviceLink.Create(program, ifIndex, attachType, options, sys), sys, ifIndex, attachType);
    }
}
