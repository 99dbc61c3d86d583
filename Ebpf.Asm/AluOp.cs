namespace Ebpf.Asm;

/// <summary>Arithmetic operation: the high four bits of an ALU or ALU64 opcode.</summary>
public enum AluOp : byte
{
    /// <summary>dst += src.</summary>
    Add = 0x00,
    /// <summary>dst -= src.</summary>
    Sub = 0x10,
    /// <summary>dst *= src.</summary>
    Mul = 0x20,
    /// <summary>dst /= src; signed when the offset is 1.</summary>
    Div = 0x30,
    /// <summary>dst |= src.</summary>
    Or = 0x40,
    /// <summary>dst &amp;= src.</summary>
    And = 0x50,
    /// <summary>dst &lt;&lt;= src.</summary>
    Lsh = 0x60,
    /// <summary>dst &gt;&gt;= src (logical).</summary>
    Rsh = 0x70,
    /// <summary>dst = -dst.</summary>
    Neg = 0x80,
    /// <summary>dst %= src; signed when the offset is 1.</summary>
    Mod = 0x90,
    /// <summary>dst ^= src.</summary>
    Xor = 0xa0,
    /// <summary>dst = src; sign-extending when the offset is 8, 16 or 32.</summary>
    Mov = 0xb0,
    /// <summary>dst &gt;&gt;= src (arithmetic).</summary>
    ArSh = 0xc0,
    /// <summary>Byte swap: to little or big endian (ALU) or unconditional (ALU64).</summary>
    End = 0xd0,
}
