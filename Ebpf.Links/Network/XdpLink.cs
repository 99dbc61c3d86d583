using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>Attaches XDP programs to a network device with a <c>bpf_link</c> (Linux 5.9+).</summary>
public static class XdpLink
{
    /// <summary>Attaches <paramref name="program"/> to the device with index <paramref name="ifIndex"/>.</summary>
    /// <param name="program">An XDP program.</param>
    /// <param name="ifIndex">The interface index (<c>/sys/class/net/&lt;name&gt;/ifindex</c>).</param>
    /// <param name="flags">The XDP mode.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfException">EBUSY: another XDP program is attached to the device in that mode.</exception>
    public static Link Attach(BpfFileDescriptor program, int ifIndex, XdpAttachFlags flags = XdpAttachFlags.None, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        try
        {
            using var programUse = new FdUse(program);
            var fd = sys.LinkCreate(new LinkCreateAttr
            {
                ProgFd = programUse.Fd, TargetIfIndex = (uint)ifIndex, AttachType = BpfAttachType.Xdp, Flags = (uint)flags,
            });
            return new Link(fd, sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.Xdp))
        {
            throw new EbpfNotSupportedException("XDP links (BPF_LINK_CREATE with BPF_XDP)", "5.9", e.Errno, e);
        }
    }

    /// <summary>Attaches <paramref name="program"/> to the device named <paramref name="interfaceName"/> in this network namespace.</summary>
    /// <param name="program">An XDP program.</param>
    /// <param name="interfaceName">The device, e.g. <c>eth0</c>.</param>
    /// <param name="flags">The XDP mode.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, string interfaceName, XdpAttachFlags flags = XdpAttachFlags.None, IBpfSyscalls? syscalls = null) =>
        Attach(program, NetworkInterfaceIndex.Of(interfaceName), flags, syscalls);
}
