namespace Ebpf.Asm;

/// <summary>Jump operation: the high four bits of a JMP or JMP32 opcode.</summary>
public enum JumpOp : byte
{
    /// <summary>Unconditional jump (goto, or gotol in JMP32 with a 32-bit offset).</summary>
    Ja = 0x00,
    /// <summary>Jump if equal.</summary>
    JEq = 0x10,
    /// <summary>Jump if greater (unsigned).</summary>
    JGT = 0x20,
    /// <summary>Jump if greater or equal (unsigned).</summary>
    JGE = 0x30,
    /// <summary>Jump if dst &amp; src is non-zero.</summary>
    JSet = 0x40,
    /// <summary>Jump if not equal.</summary>
    JNE = 0x50,
    /// <summary>Jump if greater (signed).</summary>
    JSGT = 0x60,
    /// <summary>Jump if greater or equal (signed).</summary>
    JSGE = 0x70,
    /// <summary>Call a helper, a BPF function or a kfunc.</summary>
    Call = 0x80,
    /// <summary>Return from the function.</summary>
    Exit = 0x90,
    /// <summary>Jump if less (unsigned).</summary>
    JLT = 0xa0,
    /// <summary>Jump if less or equal (unsigned).</summary>
    JLE = 0xb0,
    /// <summary>Jump if less (signed).</summary>
    JSLT = 0xc0,
    /// <summary>Jump if less or equal (signed).</summary>
    JSLE = 0xd0,
    /// <summary>Conditional pseudo jump (<c>may_goto</c>), decided by the kernel.</summary>
    JCond = 0xe0,
}
