using System.Buffers.Binary;

namespace Ebpf.Tests.Btf;

/// <summary>Converts a little-endian BTF blob to big endian: every field of the header and of the type
/// section is a 32-bit word (apart from the 16-bit magic and two single bytes), strings stay as they are.</summary>
public static class BtfByteSwapper
{
    public static byte[] ToBigEndian(byte[] little)
    {
        var b = (byte[])little.Clone();
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(b), Is.EqualTo(0xEB9F), "input must be little-endian BTF");
        BinaryPrimitives.WriteUInt16BigEndian(b, 0xEB9F);
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4));
        uint typeOff = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8));
        uint typeLen = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(12));
        for (int i = 4; i + 4 <= hdrLen; i += 4)
        {
            Swap(b, i);
        }

        int start = (int)(hdrLen + typeOff);
        for (int i = start; i + 4 <= start + typeLen; i += 4)
        {
            Swap(b, i);
        }

        return b;
    }

    private static void Swap(byte[] b, int at) =>
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)));
}
