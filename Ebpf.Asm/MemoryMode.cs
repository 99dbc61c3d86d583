namespace Ebpf.Asm;

/// <summary>Addressing mode: the high three bits of a load or store opcode.</summary>
public enum MemoryMode : byte
{
    /// <summary>Immediate: the 64-bit <c>lddw</c> load.</summary>
    Imm = 0x00,
    /// <summary>Legacy absolute packet load.</summary>
    Abs = 0x20,
    /// <summary>Legacy indirect packet load.</summary>
    Ind = 0x40,
    /// <summary>Plain memory access <c>*(size *)(reg + off)</c>.</summary>
    Mem = 0x60,
    /// <summary>Sign-extending memory load.</summary>
    MemSX = 0x80,
    /// <summary>Atomic operation; the immediate selects it.</summary>
    Atomic = 0xc0,
}
