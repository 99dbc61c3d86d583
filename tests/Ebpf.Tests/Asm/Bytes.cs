namespace Ebpf.Tests.Asm;

/// <summary>Hex literals and the little- to big-endian transform of encoded instruction slots.</summary>
internal static class Bytes
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>
    /// The bpfeb form of bpfel slots: register nibbles swapped, offset and immediate byte-reversed.
    /// Holds for both slots of lddw, whose second slot has zero registers and offset.
    /// </summary>
    public static byte[] SwapSlots(byte[] littleEndian)
    {
        var big = (byte[])littleEndian.Clone();
        for (int i = 0; i < big.Length; i += 8)
        {
            big[i + 1] = (byte)((littleEndian[i + 1] << 4) | (littleEndian[i + 1] >> 4));
            Array.Reverse(big, i + 2, 2);
            Array.Reverse(big, i + 4, 4);
        }

        return big;
    }
}
