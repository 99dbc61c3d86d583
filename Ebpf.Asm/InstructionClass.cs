namespace Ebpf.Asm;

/// <summary>The instruction class: the low three bits of an opcode.</summary>
public enum InstructionClass : byte
{
    /// <summary>Non-standard loads: 64-bit immediates and legacy packet access (BPF_LD).</summary>
    Ld = 0x00,
    /// <summary>Loads from memory into a register (BPF_LDX).</summary>
    LdX = 0x01,
    /// <summary>Stores of an immediate into memory (BPF_ST).</summary>
    St = 0x02,
    /// <summary>Stores of a register into memory, and atomics (BPF_STX).</summary>
    StX = 0x03,
    /// <summary>32-bit arithmetic (BPF_ALU).</summary>
    Alu = 0x04,
    /// <summary>64-bit jumps, calls and exit (BPF_JMP).</summary>
    Jmp = 0x05,
    /// <summary>32-bit comparisons (BPF_JMP32).</summary>
    Jmp32 = 0x06,
    /// <summary>64-bit arithmetic (BPF_ALU64).</summary>
    Alu64 = 0x07,
}
