using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A flow dissector or sk_lookup program attached to a network namespace (Linux 5.8+ / 5.9+), made by
/// <see cref="NetworkAttachExtensions.AttachNetns(Program, string, BpfAttachType)"/>.
/// </summary>
public sealed class NetnsLink : Link
{
    private NetnsLink(BpfFileDescriptor fd, IBpfSyscalls syscalls, BpfAttachType attachType)
        : base(fd, syscalls)
    {
        AttachType = attachType;
    }

    /// <summary><see cref="BpfAttachType.FlowDissector"/> or <see cref="BpfAttachType.SkLookup"/>.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>Links <paramref name="program"/> to the network namespace open as <paramref name="netns"/>.</summary>
    internal static NetnsLink Attach(BpfFileDescriptor program, BpfFileDescriptor netns, BpfAttachType attachType, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(netns);
        try
        {
            return new NetnsLink(TargetFdLink.Create(program, netns, attachType, sys), sys, attachType);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.Netns))
        {
            throw new EbpfNotSupportedException("network namespace links", "5.8", e.Errno, e);
        }
    }

    /// <summary>Links <paramref name="program"/> to the network namespace file <paramref name="netnsPath"/>.</summary>
    internal static NetnsLink Attach(BpfFileDescriptor program, string netnsPath, BpfAttachType attachType, IBpfSyscalls sys)
    {
        ArgumentException.ThrowIfNullOrEmpty(netnsPath);
        using var netns = sys.System().OpenPath(netnsPath, 0);
        return Attach(program, netns, attachType, sys);
    }
}
