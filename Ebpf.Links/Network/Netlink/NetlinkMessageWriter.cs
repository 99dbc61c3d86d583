using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Links;

/// <summary>
/// Builds one netlink request: the <c>nlmsghdr</c>, the family's fixed header (<c>tcmsg</c>, <c>ifinfomsg</c>) and its
/// attributes, nested or not, each aligned to 4 bytes. Values are in host byte order, as netlink wants them.
/// </summary>
internal sealed class NetlinkMessageWriter
{
    /// <summary><c>NLA_F_NESTED</c>: the attribute holds attributes.</summary>
    public const ushort Nested = 0x8000;

    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>Starts a message of <paramref name="type"/> with <paramref name="flags"/>; the sequence number is set when sent.</summary>
    public NetlinkMessageWriter(ushort type, ushort flags)
    {
        Type = type;
        var header = Append(NetlinkMessage.HeaderSize);
        MemoryMarshal.Write(header[4..], type);
        MemoryMarshal.Write(header[6..], flags);
    }

    /// <summary>The message type (<c>RTM_*</c>).</summary>
    public ushort Type { get; }

    /// <summary>The bytes written so far, with the length field brought up to date.</summary>
    public ReadOnlySpan<byte> Written
    {
        get
        {
            MemoryMarshal.Write(_buffer.AsSpan(), (uint)_length);
            return _buffer.AsSpan(0, _length);
        }
    }

    /// <summary>Appends the family's fixed header of <paramref name="size"/> bytes, zeroed, for the caller to fill.</summary>
    public Span<byte> AppendFixed(int size) => Append(size);

    /// <summary>Appends a 32-bit attribute.</summary>
    public void AddUInt32(ushort type, uint value) => MemoryMarshal.Write(AppendAttribute(type, sizeof(uint)), value);

    /// <summary>Appends a signed 32-bit attribute (descriptors, where -1 means none).</summary>
    public void AddInt32(ushort type, int value) => MemoryMarshal.Write(AppendAttribute(type, sizeof(int)), value);

    /// <summary>Appends a NUL-terminated string attribute.</summary>
    public void AddString(ushort type, string value)
    {
        int size = Encoding.UTF8.GetByteCount(value);
        var payload = AppendAttribute(type, size + 1);
        Encoding.UTF8.GetBytes(value, payload);
    }

    /// <summary>Opens a nested attribute; returns its position for <see cref="EndNest"/>.</summary>
    public int BeginNest(ushort type)
    {
        int start = _length;
        AppendAttribute((ushort)(type | Nested), 0);
        return start;
    }

    /// <summary>Closes the nested attribute opened at <paramref name="start"/>: its length covers what was appended since.</summary>
    public void EndNest(int start) => MemoryMarshal.Write(_buffer.AsSpan(start), checked((ushort)(_length - start)));

    /// <summary>The finished message with <paramref name="sequence"/> in its header.</summary>
    public byte[] ToArray(uint sequence)
    {
        var bytes = Written.ToArray();
        MemoryMarshal.Write(bytes.AsSpan(8), sequence);
        return bytes;
    }

    private Span<byte> AppendAttribute(ushort type, int payloadSize)
    {
        var attribute = Append(NetlinkAttributes.HeaderSize + payloadSize);
        MemoryMarshal.Write(attribute, checked((ushort)(NetlinkAttributes.HeaderSize + payloadSize)));
        MemoryMarshal.Write(attribute[2..], type);
        return attribute[NetlinkAttributes.HeaderSize..];
    }

    /// <summary>Appends <paramref name="size"/> zeroed bytes, then padding to the next 4-byte boundary.</summary>
    private Span<byte> Append(int size)
    {
        int aligned = NetlinkMessage.Align(size);
        if (_length + aligned > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + aligned));
        }

        var span = _buffer.AsSpan(_length, aligned);
        span.Clear();
        _length += aligned;
        return span[..size];
    }
}
