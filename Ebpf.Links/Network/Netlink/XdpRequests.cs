using System.Runtime.InteropServices;

namespace Ebpf.Links;

/// <summary>
/// The rtnetlink requests of XDP on a device (what <c>ip link set dev X xdp...</c> sends): <c>RTM_SETLINK</c> with an
/// <c>IFLA_XDP</c> nest, and <c>RTM_GETLINK</c> whose answer reports the attached programs in that nest.
/// </summary>
internal static class XdpRequests
{
    /// <summary>The size of <c>struct ifinfomsg</c>.</summary>
    public const int IfinfomsgSize = 16;

    /// <summary><c>IFLA_XDP</c>.</summary>
    public const ushort Xdp = 43;

    /// <summary><c>IFLA_XDP_FD</c>: the program, -1 to detach.</summary>
    public const ushort XdpFd = 1;

    /// <summary><c>IFLA_XDP_ATTACHED</c>: <c>XDP_ATTACHED_*</c>.</summary>
    public const ushort XdpAttached = 2;

    /// <summary><c>IFLA_XDP_FLAGS</c>: <c>XDP_FLAGS_*</c>.</summary>
    public const ushort XdpFlags = 3;

    /// <summary><c>IFLA_XDP_PROG_ID</c>: the program when a single mode is attached.</summary>
    public const ushort XdpProgramId = 4;

    /// <summary><c>IFLA_XDP_DRV_PROG_ID</c>.</summary>
    public const ushort XdpDriverProgramId = 5;

    /// <summary><c>IFLA_XDP_SKB_PROG_ID</c>.</summary>
    public const ushort XdpGenericProgramId = 6;

    /// <summary><c>IFLA_XDP_HW_PROG_ID</c>.</summary>
    public const ushort XdpOffloadProgramId = 7;

    /// <summary><c>IFLA_XDP_EXPECTED_FD</c>: with <c>XDP_FLAGS_REPLACE</c>, the program that must be attached (5.7+).</summary>
    public const ushort XdpExpectedFd = 8;

    /// <summary><c>XDP_FLAGS_UPDATE_IF_NOEXIST</c>: fail with EBUSY when a program is attached.</summary>
    public const uint FlagUpdateIfNoExist = 1;

    /// <summary><c>XDP_FLAGS_REPLACE</c>: replace only the program given by <c>IFLA_XDP_EXPECTED_FD</c> (5.7+).</summary>
    public const uint FlagReplace = 16;

    /// <summary>
    /// <c>RTM_SETLINK</c> of device <paramref name="ifIndex"/> with <c>IFLA_XDP</c>: <c>IFLA_XDP_FD</c>, then
    /// <c>IFLA_XDP_FLAGS</c> when not 0, then <c>IFLA_XDP_EXPECTED_FD</c> when <paramref name="flags"/> has
    /// <c>XDP_FLAGS_REPLACE</c>.
    /// </summary>
    public static NetlinkMessageWriter Set(int ifIndex, int programFd, uint flags, int expectedFd)
    {
        var request = new NetlinkMessageWriter(RouteMessageNames.SetLink, NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck);
        WriteIfinfomsg(request.AppendFixed(IfinfomsgSize), ifIndex);
        int nest = request.BeginNest(Xdp);
        request.AddInt32(XdpFd, programFd);
        if (flags != 0)
        {
            request.AddUInt32(XdpFlags, flags);
        }

        if ((flags & FlagReplace) != 0)
        {
            request.AddInt32(XdpExpectedFd, expectedFd);
        }

        request.EndNest(nest);
        return request;
    }

    /// <summary><c>RTM_GETLINK</c> of device <paramref name="ifIndex"/>.</summary>
    public static NetlinkMessageWriter Get(int ifIndex)
    {
        var request = new NetlinkMessageWriter(RouteMessageNames.GetLink, NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck);
        WriteIfinfomsg(request.AppendFixed(IfinfomsgSize), ifIndex);
        return request;
    }

    /// <summary>The XDP programs of the device in <paramref name="reply"/> (an <c>RTM_NEWLINK</c> message), or null for another message.</summary>
    public static XdpDeviceInfo? Read(NetlinkMessage reply)
    {
        if (reply.Type != RouteMessageNames.NewLink || reply.Payload.Length < IfinfomsgSize)
        {
            return null;
        }

        int ifIndex = MemoryMarshal.Read<int>(reply.Payload[4..]);
        NetlinkAttributes.TryFind(reply.Payload[IfinfomsgSize..], Xdp, out var xdp);
        return new XdpDeviceInfo
        {
            IfIndex = ifIndex,
            ProgramId = NetlinkAttributes.FindUInt32(xdp, XdpProgramId) ?? 0,
            DriverProgramId = NetlinkAttributes.FindUInt32(xdp, XdpDriverProgramId) ?? 0,
            GenericProgramId = NetlinkAttributes.FindUInt32(xdp, XdpGenericProgramId) ?? 0,
            OffloadProgramId = NetlinkAttributes.FindUInt32(xdp, XdpOffloadProgramId) ?? 0,
        };
    }

    /// <summary>Fills an <c>ifinfomsg</c>: <c>AF_UNSPEC</c> and the device, nothing to change.</summary>
    private static void WriteIfinfomsg(Span<byte> ifinfomsg, int ifIndex) => MemoryMarshal.Write(ifinfomsg[4..], ifIndex);
}
