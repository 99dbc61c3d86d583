namespace Ebpf.Asm;

/// <summary>Width of a memory access: bits 3-4 of a load or store opcode.</summary>
public enum AccessSize : byte
{
    /// <summary>Four bytes (u32).</summary>
    Word = 0x00,
    /// <summary>Two bytes (u16).</summary>
    Half = 0x08,
    /// <summary>One byte (u8).</summary>
    Byte = 0x10,
    /// <summary>Eight bytes (u64).</summary>
    DWord = 0x18,
}
