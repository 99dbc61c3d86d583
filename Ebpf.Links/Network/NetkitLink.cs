using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A program attached to a netkit device's primary or peer side (Linux 6.7+), made by
/// <see cref="NetworkAttachExtensions.AttachNetkit(Program, int, BpfAttachType, DeviceLinkOptions?)"/>.
/// </summary>
public sealed class NetkitLink : Link
{
    private NetkitLink(BpfFileDescriptor fd, IBpfSyscalls syscalls, int ifIndex, BpfAttachType attachType)
        : base(fd, syscalls)
    {
        IfIndex = ifIndex;
        AttachType = attachType;
    }

    /// <summary>The index of the netkit primary device.</summary>
    public int IfIndex { get; }

    /// <summary><see cref="BpfAttachType.NetkitPrimary"/> or <see cref="BpfAttachType.NetkitPeer"/>.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>Links <paramref name="program"/> to netkit device <paramref name="ifIndex"/> at <paramref name="attachType"/>.</summary>
    internal static NetkitLink Attach(BpfFileDescriptor program, int ifIndex, BpfAttachType attachType, DeviceLinkOptions? options, IBpfSyscalls sys)
    {
        if (attachType is not (BpfAttachType.NetkitPrimary or BpfAttachType.NetkitPeer))
        {
            throw new ArgumentOutOfRangeException(nameof(attachType), attachType, "netkit links take BPF_NETKIT_PRIMARY or BPF_NETKIT_PEER");
        }

        return new NetkitLink(DeviceLink.Create(program, ifIndex, attachType, options, sys), sys, ifIndex, attachType);
    }
}
