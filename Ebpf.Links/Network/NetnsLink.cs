using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>Attaches flow dissector and sk_lookup programs to a network namespace (Linux 5.8+ / 5.9+).</summary>
public static class NetnsLink
{
    /// <summary>Attaches <paramref name="program"/> to the network namespace open as <paramref name="netns"/>.</summary>
    /// <param name="program">A flow dissector or sk_lookup program.</param>
    /// <param name="netns">A descriptor of the namespace (<c>/proc/self/ns/net</c>, <c>/var/run/netns/&lt;name&gt;</c>).</param>
    /// <param name="attachType"><see cref="BpfAttachType.FlowDissector"/> or <see cref="BpfAttachType.SkLookup"/>.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, BpfFileDescriptor netns, BpfAttachType attachType, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(netns);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        try
        {
            return TargetFdLink.Create(program, netns, attachType, sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.Netns))
        {
            throw new EbpfNotSupportedException("network namespace links", "5.8", e.Errno, e);
        }
    }

    /// <summary>Attaches <paramref name="program"/> to the network namespace at <paramref name="netnsPath"/>.</summary>
    /// <param name="program">A flow dissector or sk_lookup program.</param>
    /// <param name="netnsPath">The namespace file, e.g. <c>/proc/self/ns/net</c> or <c>/var/run/netns/blue</c>.</param>
    /// <param name="attachType"><see cref="BpfAttachType.FlowDissector"/> or <see cref="BpfAttachType.SkLookup"/>.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, string netnsPath, BpfAttachType attachType, IBpfSyscalls? syscalls = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(netnsPath);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        using var netns = sys.OpenPath(netnsPath, 0);
        return Attach(program, netns, attachType, sys);
    }
}
