using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Links;

/// <summary>Reads a run of netlink attributes (<c>struct nlattr</c>: length, type, payload, padding to 4 bytes).</summary>
internal ref struct NetlinkAttributes
{
    /// <summary>The size of <c>struct nlattr</c>.</summary>
    public const int HeaderSize = 4;

    /// <summary>The type bits of <c>nla_type</c>, without <c>NLA_F_NESTED</c> and <c>NLA_F_NET_BYTEORDER</c>.</summary>
    private const ushort TypeMask = 0x3fff;

    private ReadOnlySpan<byte> _rest;

    /// <summary>Reads the attributes in <paramref name="attributes"/>.</summary>
    public NetlinkAttributes(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
    }

    /// <summary>The payload of the first attribute of <paramref name="type"/> in <paramref name="attributes"/>.</summary>
    public static bool TryFind(ReadOnlySpan<byte> attributes, ushort type, out ReadOnlySpan<byte> payload)
    {
        var reader = new NetlinkAttributes(attributes);
        while (reader.TryNext(out ushort found, out payload))
        {
            if (found == type)
            {
                return true;
            }
        }

        payload = default;
        return false;
    }

    /// <summary>The 32-bit value of attribute <paramref name="type"/>, or null when absent or short.</summary>
    public static uint? FindUInt32(ReadOnlySpan<byte> attributes, ushort type) =>
        TryFind(attributes, type, out var payload) && payload.Length >= sizeof(uint) ? MemoryMarshal.Read<uint>(payload) : null;

    /// <summary>The NUL-terminated string of attribute <paramref name="type"/>, or null when absent.</summary>
    public static string? FindString(ReadOnlySpan<byte> attributes, ushort type)
    {
        if (!TryFind(attributes, type, out var payload))
        {
            return null;
        }

        int end = payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? payload : payload[..end]);
    }

    /// <summary>Reads the next attribute; false at the end or on a malformed one.</summary>
    public bool TryNext(out ushort type, out ReadOnlySpan<byte> payload)
    {
        type = 0;
        payload = default;
        if (_rest.Length < HeaderSize)
        {
            return false;
        }

        int length = MemoryMarshal.Read<ushort>(_rest);
        if (length < HeaderSize || length > _rest.Length)
        {
            return false;
        }

        type = (ushort)(MemoryMarshal.Read<ushort>(_rest[2..]) & TypeMask);
        payload = _rest[HeaderSize..length];
        _rest = _rest[Math.Min(NetlinkMessage.Align(length), _rest.Length)..];
        return true;
    }
}
