using System.Buffers.Binary;
using System.Text;

namespace ExecSnoop;

/// <summary>One <c>struct exec_event</c> from execsnoop.bpf.c (native byte order).</summary>
internal readonly record struct ExecEvent(uint Pid, uint ParentPid, string Command, string FileName)
{
    /// <summary>The size of <c>struct exec_event</c>.</summary>
    public const int Size = 4 + 4 + 16 + 256;

    /// <summary>Decodes an event record.</summary>
    public static ExecEvent Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < Size)
        {
            throw new InvalidDataException($"exec event has {data.Length} bytes, expected {Size}");
        }

        uint pid = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(data) : BinaryPrimitives.ReadUInt32BigEndian(data);
        uint ppid = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) : BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        return new ExecEvent(pid, ppid, CString(data.Slice(8, 16)), CString(data.Slice(24, 256)));
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
