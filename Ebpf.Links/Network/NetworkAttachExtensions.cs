using System.Net.Sockets;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Attaches a loaded networking <see cref="Program"/> to devices, namespaces, netfilter hooks, sockmaps and sockets:
/// <c>program.AttachXdp("eth0")</c>, <c>program.AttachTcx("eth0", BpfAttachType.TcxIngress)</c>. Each returns the link;
/// disposing it detaches.
/// </summary>
public static class NetworkAttachExtensions
{
    /// <summary>Attaches XDP <paramref name="program"/> to the device with index <paramref name="ifIndex"/> (<c>bpf_link</c>, Linux 5.9+).</summary>
    /// <param name="program">An XDP program.</param>
    /// <param name="ifIndex">The interface index (<c>/sys/class/net/&lt;name&gt;/ifindex</c>).</param>
    /// <param name="flags">The XDP mode; <see cref="XdpAttachFlags.None"/> lets the kernel choose.</param>
    /// <exception cref="EbpfException">EBUSY: another XDP program is attached to the device in that mode.</exception>
    /// <exception cref="EbpfNotSupportedException">The kernel has no XDP links.</exception>
    public static XdpLink AttachXdp(this Program program, int ifIndex, XdpAttachFlags flags = XdpAttachFlags.None)
    {
        ArgumentNullException.ThrowIfNull(program);
        return XdpLink.Attach(program.FileDescriptor, ifIndex, flags, program.Syscalls);
    }

    /// <summary>Attaches XDP <paramref name="program"/> to the device named <paramref name="interfaceName"/> in this network namespace.</summary>
    /// <param name="program">An XDP program.</param>
    /// <param name="interfaceName">The device, e.g. <c>eth0</c>.</param>
    /// <param name="flags">The XDP mode; <see cref="XdpAttachFlags.None"/> lets the kernel choose.</param>
    /// <exception cref="ArgumentException">No such device.</exception>
    public static XdpLink AttachXdp(this Program program, string interfaceName, XdpAttachFlags flags = XdpAttachFlags.None) =>
        program.AttachXdp(NetworkInterfaceIndex.Of(interfaceName), flags);

    /// <summary>
    /// Attaches XDP <paramref name="program"/> to device <paramref name="ifIndex"/> through rtnetlink (<c>IFLA_XDP</c>,
    /// Linux 4.8+, generic mode 4.12+), as on kernels before XDP links (5.9) and as <c>ip link set dev X xdp</c>. Fails
    /// with EBUSY when the device has a program in that mode, unless it is <paramref name="replacing"/>.
    /// </summary>
    /// <param name="program">An XDP program.</param>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="flags">The XDP mode; <see cref="XdpAttachFlags.None"/> lets the kernel choose.</param>
    /// <param name="replacing">The program expected on the device, replaced atomically (<c>XDP_FLAGS_REPLACE</c>, 5.7+); null to attach only where none is.</param>
    /// <exception cref="EbpfException">The kernel refused, with its message (EBUSY: a program is attached; EEXIST: not <paramref name="replacing"/>).</exception>
    public static XdpAttachment AttachXdpNetlink(this Program program, int ifIndex, XdpAttachFlags flags = XdpAttachFlags.None, Program? replacing = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return XdpAttachment.Attach(program, ifIndex, flags, replacing);
    }

    /// <summary>Attaches XDP <paramref name="program"/> through rtnetlink to the device named <paramref name="interfaceName"/>.</summary>
    /// <param name="program">An XDP program.</param>
    /// <param name="interfaceName">The device, e.g. <c>eth0</c>.</param>
    /// <param name="flags">The XDP mode; <see cref="XdpAttachFlags.None"/> lets the kernel choose.</param>
    /// <param name="replacing">The program expected on the device, replaced atomically; null to attach only where none is.</param>
    /// <exception cref="ArgumentException">No such device.</exception>
    public static XdpAttachment AttachXdpNetlink(this Program program, string interfaceName, XdpAttachFlags flags = XdpAttachFlags.None, Program? replacing = null) =>
        program.AttachXdpNetlink(NetworkInterfaceIndex.Of(interfaceName), flags, replacing);

    /// <summary>
    /// Attaches sched_cls <paramref name="program"/> as a direct-action <c>cls_bpf</c> filter on the clsact qdisc of
    /// device <paramref name="ifIndex"/> (rtnetlink, Linux 4.5+), as on kernels before TCX (6.6) and as
    /// <c>tc filter add dev X ingress bpf da</c>. The qdisc must exist: <see cref="ClsactQdisc.Create(int, IBpfSyscalls?)"/>.
    /// </summary>
    /// <param name="program">A sched_cls program; its return value is the action (<c>TC_ACT_OK</c> 0, <c>TC_ACT_SHOT</c> 2...).</param>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <param name="options">Handle, priority, replacement and name; null lets the kernel choose handle and priority.</param>
    /// <exception cref="EbpfException">The kernel refused, with its message (EEXIST: a filter has that handle and priority; EINVAL: no clsact qdisc).</exception>
    /// <exception cref="EbpfNotSupportedException">The kernel has no <c>cls_bpf</c>.</exception>
    public static TcClassifier AttachTcClassifier(this Program program, int ifIndex, TcDirection direction, TcClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return TcClassifier.Attach(program, ifIndex, direction, options);
    }

    /// <summary>Attaches sched_cls <paramref name="program"/> as a direct-action <c>cls_bpf</c> filter on the clsact qdisc of the device named <paramref name="interfaceName"/>.</summary>
    /// <param name="program">A sched_cls program.</param>
    /// <param name="interfaceName">The device, e.g. <c>eth0</c>.</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <param name="options">Handle, priority, replacement and name; null lets the kernel choose handle and priority.</param>
    /// <exception cref="ArgumentException">No such device.</exception>
    public static TcClassifier AttachTcClassifier(this Program program, string interfaceName, TcDirection direction, TcClassifierOptions? options = null) =>
        program.AttachTcClassifier(NetworkInterfaceIndex.Of(interfaceName), direction, options);

    /// <summary>Attaches tc <paramref name="program"/> to the TCX ingress or egress hook of device <paramref name="ifIndex"/> (Linux 6.6+).</summary>
    /// <param name="program">A sched_cls program.</param>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="attachType"><see cref="BpfAttachType.TcxIngress"/> or <see cref="BpfAttachType.TcxEgress"/>.</param>
    /// <param name="options">The position among the device's programs and the expected revision; null for last, any revision.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no TCX links.</exception>
    public static TcxLink AttachTcx(this Program program, int ifIndex, BpfAttachType attachType, DeviceLinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return TcxLink.Attach(program.FileDescriptor, ifIndex, attachType, options, program.Syscalls);
    }

    /// <summary>Attaches tc <paramref name="program"/> to the TCX ingress or egress hook of the device named <paramref name="interfaceName"/>.</summary>
    /// <param name="program">A sched_cls program.</param>
    /// <param name="interfaceName">The device, e.g. <c>eth0</c>.</param>
    /// <param name="attachType"><see cref="BpfAttachType.TcxIngress"/> or <see cref="BpfAttachType.TcxEgress"/>.</param>
    /// <param name="options">The position among the device's programs and the expected revision; null for last, any revision.</param>
    /// <exception cref="ArgumentException">No such device.</exception>
    public static TcxLink AttachTcx(this Program program, string interfaceName, BpfAttachType attachType, DeviceLinkOptions? options = null) =>
        program.AttachTcx(NetworkInterfaceIndex.Of(interfaceName), attachType, options);

    /// <summary>Attaches <paramref name="program"/> to the primary or peer side of netkit device <paramref name="ifIndex"/> (Linux 6.7+).</summary>
    /// <param name="program">A sched_cls program.</param>
    /// <param name="ifIndex">The interface index of the netkit primary device.</param>
    /// <param name="attachType"><see cref="BpfAttachType.NetkitPrimary"/> or <see cref="BpfAttachType.NetkitPeer"/>.</param>
    /// <param name="options">The position among the device's programs and the expected revision; null for last, any revision.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no netkit links.</exception>
    public static NetkitLink AttachNetkit(this Program program, int ifIndex, BpfAttachType attachType, DeviceLinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return NetkitLink.Attach(program.FileDescriptor, ifIndex, attachType, options, program.Syscalls);
    }

    /// <summary>Attaches <paramref name="program"/> to the primary or peer side of the netkit device named <paramref name="interfaceName"/> (its primary device).</summary>
    /// <param name="program">A sched_cls program.</param>
    /// <param name="interfaceName">The netkit primary device, e.g. <c>nk0</c>.</param>
    /// <param name="attachType"><see cref="BpfAttachType.NetkitPrimary"/> or <see cref="BpfAttachType.NetkitPeer"/>.</param>
    /// <param name="options">The position among the device's programs and the expected revision; null for last, any revision.</param>
    /// <exception cref="ArgumentException">No such device.</exception>
    public static NetkitLink AttachNetkit(this Program program, string interfaceName, BpfAttachType attachType, DeviceLinkOptions? options = null) =>
        program.AttachNetkit(NetworkInterfaceIndex.Of(interfaceName), attachType, options);

    /// <summary>Attaches flow dissector or sk_lookup <paramref name="program"/> to the network namespace at <paramref name="netnsPath"/> (Linux 5.8+ / 5.9+).</summary>
    /// <param name="program">A flow dissector or sk_lookup program.</param>
    /// <param name="netnsPath">The namespace file, e.g. <c>/proc/self/ns/net</c> or <c>/var/run/netns/blue</c>.</param>
    /// <param name="attachType"><see cref="BpfAttachType.FlowDissector"/> or <see cref="BpfAttachType.SkLookup"/>.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no network namespace links.</exception>
    public static NetnsLink AttachNetns(this Program program, string netnsPath, BpfAttachType attachType)
    {
        ArgumentNullException.ThrowIfNull(program);
        return NetnsLink.Attach(program.FileDescriptor, netnsPath, attachType, program.Syscalls);
    }

    /// <summary>Attaches flow dissector or sk_lookup <paramref name="program"/> to the network namespace open as <paramref name="netns"/>.</summary>
    /// <param name="program">A flow dissector or sk_lookup program.</param>
    /// <param name="netns">A descriptor of the namespace; the caller keeps it.</param>
    /// <param name="attachType"><see cref="BpfAttachType.FlowDissector"/> or <see cref="BpfAttachType.SkLookup"/>.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no network namespace links.</exception>
    public static NetnsLink AttachNetns(this Program program, BpfFileDescriptor netns, BpfAttachType attachType)
    {
        ArgumentNullException.ThrowIfNull(program);
        return NetnsLink.Attach(program.FileDescriptor, netns, attachType, program.Syscalls);
    }

    /// <summary>Attaches netfilter <paramref name="program"/> to hook <paramref name="hook"/> of protocol family <paramref name="protocolFamily"/> (Linux 6.4+).</summary>
    /// <param name="program">A netfilter program (returns <c>NF_ACCEPT</c> 1 or <c>NF_DROP</c> 0).</param>
    /// <param name="protocolFamily">IPv4 or IPv6.</param>
    /// <param name="hook">The hook, e.g. <see cref="NetfilterHook.LocalIn"/>.</param>
    /// <param name="priority">The priority among the hook's functions (lower runs first); neither <see cref="int.MinValue"/> nor <see cref="int.MaxValue"/>.</param>
    /// <param name="flags"><see cref="NetfilterAttachFlags.IpDefrag"/> to see reassembled packets.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no netfilter links.</exception>
    public static NetfilterLink AttachNetfilter(this Program program, NetfilterProtocolFamily protocolFamily, NetfilterHook hook, int priority,
        NetfilterAttachFlags flags = NetfilterAttachFlags.None)
    {
        ArgumentNullException.ThrowIfNull(program);
        return NetfilterLink.Attach(program.FileDescriptor, protocolFamily, hook, priority, flags, program.Syscalls);
    }

    /// <summary>
    /// Attaches sk_msg or sk_skb <paramref name="program"/> to sockmap or sockhash <paramref name="map"/>: a
    /// <see cref="SockmapLink"/> on Linux 6.10+, else a <see cref="ProgramAttachment"/> (<c>BPF_PROG_ATTACH</c>).
    /// </summary>
    /// <param name="program">An sk_msg or sk_skb program.</param>
    /// <param name="map">A sockmap or sockhash.</param>
    /// <param name="attachType"><see cref="BpfAttachType.SkMsgVerdict"/>, <see cref="BpfAttachType.SkSkbStreamVerdict"/>,
    /// <see cref="BpfAttachType.SkSkbStreamParser"/> or <see cref="BpfAttachType.SkSkbVerdict"/>.</param>
    public static Link AttachSockmap(this Program program, Map map, BpfAttachType attachType)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(map);
        return SockmapLink.Attach(program.FileDescriptor, map.FileDescriptor, attachType, program.Syscalls);
    }

    /// <summary>Attaches socket filter <paramref name="program"/> (returns the bytes to keep, 0 drops) to <paramref name="socket"/> (<c>SO_ATTACH_BPF</c>).</summary>
    /// <param name="program">A socket filter program.</param>
    /// <param name="socket">The socket; the filter sees the packets it receives.</param>
    public static SocketFilter AttachSocketFilter(this Program program, Socket socket)
    {
        ArgumentNullException.ThrowIfNull(program);
        return SocketFilter.Attach(socket, program.FileDescriptor);
    }
}
