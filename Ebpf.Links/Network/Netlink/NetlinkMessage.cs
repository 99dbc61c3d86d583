using System.Runtime.InteropServices;

namespace Ebpf.Links;

/// <summary>One netlink message read from a datagram: its <c>nlmsghdr</c> fields and the payload after the header.</summary>
internal readonly ref struct NetlinkMessage
{
    /// <summary>The size of <c>struct nlmsghdr</c>.</summary>
    public const int HeaderSize = 16;

    /// <summary><c>NLMSG_ERROR</c>: an error, or an acknowledgement when its error number is 0.</summary>
    public const ushort Error = 2;

    /// <summary><c>NLMSG_DONE</c>: the end of a dump.</summary>
    public const ushort Done = 3;

    /// <summary><c>NLM_F_REQUEST</c>.</summary>
    public const ushort FlagRequest = 0x1;

    /// <summary><c>NLM_F_MULTI</c>: part of a multipart answer.</summary>
    public const ushort FlagMulti = 0x2;

    /// <summary><c>NLM_F_ACK</c>: answer with an acknowledgement.</summary>
    public const ushort FlagAck = 0x4;

    /// <summary><c>NLM_F_ECHO</c>: send the resulting object back.</summary>
    public const ushort FlagEcho = 0x8;

    /// <summary><c>NLM_F_DUMP</c> (<c>NLM_F_ROOT | NLM_F_MATCH</c>).</summary>
    public const ushort FlagDump = 0x300;

    /// <summary><c>NLM_F_REPLACE</c>: replace an existing object.</summary>
    public const ushort FlagReplace = 0x100;

    /// <summary><c>NLM_F_EXCL</c>: fail if the object exists.</summary>
    public const ushort FlagExclusive = 0x200;

    /// <summary><c>NLM_F_CREATE</c>: create the object if it does not exist.</summary>
    public const ushort FlagCreate = 0x400;

    /// <summary><c>NLM_F_CAPPED</c> on an error: the echoed request is its header only.</summary>
    public const ushort FlagCapped = 0x100;

    /// <summary><c>NLM_F_ACK_TLVS</c> on an error: extended acknowledgement attributes follow the echoed request.</summary>
    public const ushort FlagAckTlvs = 0x200;

    private NetlinkMessage(ushort type, ushort flags, uint sequence, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Flags = flags;
        Sequence = sequence;
        Payload = payload;
    }

    /// <summary>The message type.</summary>
    public ushort Type { get; }

    /// <summary>The <c>NLM_F_*</c> flags.</summary>
    public ushort Flags { get; }

    /// <summary>The sequence number of the request it answers.</summary>
    public uint Sequence { get; }

    /// <summary>The bytes after the header, up to the message's length.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary><c>NLMSG_ALIGN</c>: rounds up to 4 bytes.</summary>
    public static int Align(int size) => (size + 3) & ~3;

    /// <summary>Reads the message at the start of <paramref name="datagram"/> and moves past it; false at the end or on a truncated message.</summary>
    public static bool TryRead(ref ReadOnlySpan<byte> datagram, out NetlinkMessage message)
    {
        message = default;
        if (datagram.Length < HeaderSize)
        {
            return false;
        }

        int length = (int)MemoryMarshal.Read<uint>(datagram);
        if (length < HeaderSize || length > datagram.Length)
        {
            return false;
        }

        message = new NetlinkMessage(
            MemoryMarshal.Read<ushort>(datagram[4..]), MemoryMarshal.Read<ushort>(datagram[6..]), MemoryMarshal.Read<uint>(datagram[8..]),
            datagram[HeaderSize..length]);
        datagram = datagram[Math.Min(Align(length), datagram.Length)..];
        return true;
    }
}
