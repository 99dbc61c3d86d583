namespace Ebpf.Asm;

/// <summary>Target byte order of a 32-bit ALU <c>End</c> instruction (bit 3 of the opcode).</summary>
public enum Endianness : byte
{
    /// <summary>Convert to little endian (BPF_TO_LE).</summary>
    ToLittleEndian = 0x00,
    /// <summary>Convert to big endian (BPF_TO_BE).</summary>
    ToBigEndian = 0x08,
}
