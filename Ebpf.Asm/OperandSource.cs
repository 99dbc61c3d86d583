namespace Ebpf.Asm;

/// <summary>Where the second operand of an ALU or jump instruction comes from: bit 3 of the opcode.</summary>
public enum OperandSource : byte
{
    /// <summary>The 32-bit immediate (BPF_K).</summary>
    Constant = 0x00,
    /// <summary>The source register (BPF_X).</summary>
    Register = 0x08,
}
