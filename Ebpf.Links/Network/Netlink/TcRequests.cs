using System.Runtime.InteropServices;

namespace Ebpf.Links;

/// <summary>
/// The rtnetlink requests of the clsact qdisc and its direct-action <c>cls_bpf</c> filters (what <c>tc qdisc add dev X
/// clsact</c> and <c>tc filter add dev X ingress prio P handle H bpf da fd F</c> send), and the reading of the filters
/// the kernel sends back. Every request carries a <c>tcmsg</c>: family, device, handle, parent, and
/// <c>tcm_info</c> = priority &lt;&lt; 16 | the protocol in network byte order.
/// </summary>
internal static class TcRequests
{
    /// <summary>The size of <c>struct tcmsg</c>.</summary>
    public const int TcmsgSize = 20;

    /// <summary><c>TC_H_CLSACT</c> (= <c>TC_H_INGRESS</c>): the clsact qdisc's parent.</summary>
    public const uint ClsactParent = 0xFFFFFFF1;

    /// <summary><c>TC_H_MAKE(TC_H_CLSACT, 0)</c>: the clsact qdisc's handle.</summary>
    public const uint ClsactHandle = 0xFFFF0000;

    /// <summary><c>TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)</c>.</summary>
    public const uint IngressParent = 0xFFFFFFF2;

    /// <summary><c>TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)</c>.</summary>
    public const uint EgressParent = 0xFFFFFFF3;

    /// <summary><c>htons(ETH_P_ALL)</c>: the filter sees every protocol.</summary>
    public static readonly ushort AllProtocols = BitConverter.IsLittleEndian ? (ushort)0x0300 : (ushort)0x0003;

    /// <summary><c>TCA_KIND</c>.</summary>
    public const ushort Kind = 1;

    /// <summary><c>TCA_OPTIONS</c>.</summary>
    public const ushort Options = 2;

    /// <summary><c>TCA_BPF_FD</c>.</summary>
    public const ushort BpfFd = 6;

    /// <summary><c>TCA_BPF_NAME</c>.</summary>
    public const ushort BpfName = 7;

    /// <summary><c>TCA_BPF_FLAGS</c>.</summary>
    public const ushort BpfFlags = 8;

    /// <summary><c>TCA_BPF_ID</c>: the program's id, in filters the kernel sends back (4.13+).</summary>
    public const ushort BpfId = 11;

    /// <summary><c>TCA_BPF_FLAG_ACT_DIRECT</c>: the program's return value is the action (direct-action mode).</summary>
    public const uint FlagActDirect = 1;

    /// <summary>The parent of filters in <paramref name="direction"/> under clsact.</summary>
    public static uint Parent(TcDirection direction) => direction switch
    {
        TcDirection.Ingress => IngressParent,
        TcDirection.Egress => EgressParent,
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "ingress or egress"),
    };

    /// <summary><c>RTM_NEWQDISC</c> (create, exclusive) or <c>RTM_DELQDISC</c> of the clsact qdisc of <paramref name="ifIndex"/>.</summary>
    public static NetlinkMessageWriter Clsact(ushort type, int ifIndex)
    {
        ushort flags = NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck;
        if (type == RouteMessageNames.NewQdisc)
        {
            flags |= NetlinkMessage.FlagCreate | NetlinkMessage.FlagExclusive;
        }

        var request = new NetlinkMessageWriter(type, flags);
        WriteTcmsg(request.AppendFixed(TcmsgSize), ifIndex, ClsactHandle, ClsactParent, 0);
        request.AddString(Kind, "clsact");
        return request;
    }

    /// <summary>
    /// <c>RTM_NEWTFILTER</c> of a direct-action <c>cls_bpf</c> filter running <paramref name="programFd"/>, created
    /// (<c>NLM_F_EXCL</c>) or replacing the filter with that handle and priority (<c>NLM_F_REPLACE</c>), echoed back.
    /// </summary>
    public static NetlinkMessageWriter Attach(int ifIndex, TcDirection direction, uint handle, ushort priority, int programFd, string name, bool replace)
    {
        ushort flags = (ushort)(NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck | NetlinkMessage.FlagCreate | NetlinkMessage.FlagEcho
            | (replace ? NetlinkMessage.FlagReplace : NetlinkMessage.FlagExclusive));
        var request = Filter(RouteMessageNames.NewFilter, flags, ifIndex, direction, handle, priority);
        int options = request.BeginNest(Options);
        request.AddInt32(BpfFd, programFd);
        request.AddString(BpfName, name);
        request.AddUInt32(BpfFlags, FlagActDirect);
        request.EndNest(options);
        return request;
    }

    /// <summary><c>RTM_DELTFILTER</c> of the <c>cls_bpf</c> filter with <paramref name="handle"/> and <paramref name="priority"/>.</summary>
    public static NetlinkMessageWriter Detach(int ifIndex, TcDirection direction, uint handle, ushort priority) =>
        Filter(RouteMessageNames.DeleteFilter, NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck, ifIndex, direction, handle, priority);

    /// <summary><c>RTM_GETTFILTER</c> of the <c>cls_bpf</c> filter with <paramref name="handle"/> and <paramref name="priority"/>.</summary>
    public static NetlinkMessageWriter Query(int ifIndex, TcDirection direction, uint handle, ushort priority) =>
        Filter(RouteMessageNames.GetFilter, NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck, ifIndex, direction, handle, priority);

    /// <summary><c>RTM_GETTFILTER</c> dump of every filter under clsact in <paramref name="direction"/>.</summary>
    public static NetlinkMessageWriter Dump(int ifIndex, TcDirection direction)
    {
        var request = new NetlinkMessageWriter(RouteMessageNames.GetFilter, NetlinkMessage.FlagRequest | NetlinkMessage.FlagDump);
        WriteTcmsg(request.AppendFixed(TcmsgSize), ifIndex, 0, Parent(direction), 0);
        return request;
    }

    /// <summary>
    /// The <c>cls_bpf</c> filter in <paramref name="reply"/> (an <c>RTM_NEWTFILTER</c> message); null for another message
    /// type, another classifier, or the entry a dump gives for a priority itself (handle 0).
    /// </summary>
    public static TcFilterInfo? Read(NetlinkMessage reply, TcDirection direction)
    {
        if (reply.Type != RouteMessageNames.NewFilter || reply.Payload.Length < TcmsgSize)
        {
            return null;
        }

        var tcmsg = reply.Payload;
        uint handle = MemoryMarshal.Read<uint>(tcmsg[8..]);
        var attributes = tcmsg[NetlinkMessage.Align(TcmsgSize)..];
        if (handle == 0 || NetlinkAttributes.FindString(attributes, Kind) != "bpf")
        {
            return null;
        }

        NetlinkAttributes.TryFind(attributes, Options, out var options);
        return new TcFilterInfo
        {
            IfIndex = MemoryMarshal.Read<int>(tcmsg[4..]),
            Direction = direction,
            Handle = handle,
            Priority = (ushort)(MemoryMarshal.Read<uint>(tcmsg[16..]) >> 16),
            ProgramId = NetlinkAttributes.FindUInt32(options, BpfId) ?? 0,
            Name = NetlinkAttributes.FindString(options, BpfName),
            DirectAction = ((NetlinkAttributes.FindUInt32(options, BpfFlags) ?? 0) & FlagActDirect) != 0,
        };
    }

    private static NetlinkMessageWriter Filter(ushort type, ushort flags, int ifIndex, TcDirection direction, uint handle, ushort priority)
    {
        var request = new NetlinkMessageWriter(type, flags);
        WriteTcmsg(request.AppendFixed(TcmsgSize), ifIndex, handle, Parent(direction), ((uint)priority << 16) | AllProtocols);
        request.AddString(Kind, "bpf");
        return request;
    }

    /// <summary>Fills a <c>tcmsg</c>: <c>AF_UNSPEC</c>, then device, handle, parent and info.</summary>
    private static void WriteTcmsg(Span<byte> tcmsg, int ifIndex, uint handle, uint parent, uint info)
    {
        MemoryMarshal.Write(tcmsg[4..], ifIndex);
        MemoryMarshal.Write(tcmsg[8..], handle);
        MemoryMarshal.Write(tcmsg[12..], parent);
        MemoryMarshal.Write(tcmsg[16..], info);
    }
}
