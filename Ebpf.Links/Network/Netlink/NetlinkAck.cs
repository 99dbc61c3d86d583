using System.Runtime.InteropServices;

namespace Ebpf.Links;

/// <summary>
/// The answer in an <c>NLMSG_ERROR</c> message (<c>struct nlmsgerr</c>): the error number (0 acknowledges success) and,
/// with extended acknowledgements (Linux 4.12+), the kernel's message and the offset in the request of the attribute
/// it refused.
/// </summary>
/// <param name="Errno">The error, positive (<c>nlmsgerr.error</c> is its negation); 0 for an acknowledgement.</param>
/// <param name="Message">The <c>NLMSGERR_ATTR_MSG</c> text, or null.</param>
/// <param name="Offset">The <c>NLMSGERR_ATTR_OFFS</c> byte offset in the request, or null.</param>
internal readonly record struct NetlinkAck(int Errno, string? Message, uint? Offset)
{
    /// <summary><c>NLMSGERR_ATTR_MSG</c>.</summary>
    private const ushort AttributeMessage = 1;

    /// <summary><c>NLMSGERR_ATTR_OFFS</c>.</summary>
    private const ushort AttributeOffset = 2;

    /// <summary>Reads the payload of an <c>NLMSG_ERROR</c> message whose header had <paramref name="flags"/>.</summary>
    public static NetlinkAck Read(ReadOnlySpan<byte> payload, ushort flags)
    {
        if (payload.Length < sizeof(int))
        {
            return new NetlinkAck(0, null, null);
        }

        int errno = -MemoryMarshal.Read<int>(payload);
        if ((flags & NetlinkMessage.FlagAckTlvs) == 0 || payload.Length < sizeof(int) + NetlinkMessage.HeaderSize)
        {
            return new NetlinkAck(errno, null, null);
        }

        // The request echoed after the error: its header only when capped, else all of it.
        int echoed = (flags & NetlinkMessage.FlagCapped) != 0
            ? NetlinkMessage.HeaderSize
            : NetlinkMessage.Align((int)MemoryMarshal.Read<uint>(payload[sizeof(int)..]));
        int start = sizeof(int) + echoed;
        if (start > payload.Length)
        {
            return new NetlinkAck(errno, null, null);
        }

        var attributes = payload[start..];
        string? message = NetlinkAttributes.FindString(attributes, AttributeMessage);
        return new NetlinkAck(errno, string.IsNullOrEmpty(message) ? null : message, NetlinkAttributes.FindUInt32(attributes, AttributeOffset));
    }
}
