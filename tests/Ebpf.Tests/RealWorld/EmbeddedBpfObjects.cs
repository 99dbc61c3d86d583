using System.Buffers.Binary;

namespace Ebpf.Tests.RealWorld;

/// <summary>
/// Finds the BPF objects a libbpf skeleton embeds in an executable: every 64-bit little-endian ELF image inside the
/// file whose machine is BPF (247), sized from its section header table (the last thing libbpf-built objects hold).
/// </summary>
public static class EmbeddedBpfObjects
{
    private const ushort MachineBpf = 247;
    private const int HeaderSize = 64;

    /// <summary>The embedded BPF ELF images of <paramref name="executable"/>, in file order.</summary>
    public static IReadOnlyList<byte[]> Find(ReadOnlySpan<byte> executable)
    {
        var found = new List<byte[]>();
        ReadOnlySpan<byte> magic = [0x7f, (byte)'E', (byte)'L', (byte)'F'];
        int start = 1; // the executable's own header is at 0
        while (start < executable.Length)
        {
            int at = executable[start..].IndexOf(magic);
            if (at < 0)
            {
                break;
            }

            at += start;
            start = at + 1;
            var header = executable[at..];
            if (header.Length < HeaderSize || header[4] != 2 || header[5] != 1
                || BinaryPrimitives.ReadUInt16LittleEndian(header[18..]) != MachineBpf)
            {
                continue;
            }

            ulong sectionHeaders = BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]);
            ushort entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3a..]);
            ushort count = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3c..]);
            ulong size = sectionHeaders + (ulong)entrySize * count;
            if (size > (ulong)header.Length || size < HeaderSize)
            {
                continue;
            }

            found.Add(header[..(int)size].ToArray());
            start = at + (int)size;
        }

        return found;
    }
}
