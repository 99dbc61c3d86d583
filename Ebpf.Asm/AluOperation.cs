namespace Ebpf.Asm;

/// <summary>
/// Builds one arithmetic operation in its four forms: 64-bit (ALU64) or 32-bit (ALU), with an
/// immediate (BPF_K) or a register (BPF_X) operand. Get instances from <see cref="Insn"/>, for example
/// <c>Insn.Add.Imm(Register.R1, 4)</c> or <c>Insn.SDiv.Reg32(Register.R0, Register.R2)</c>.
/// </summary>
public sealed class AluOperation
{
    internal AluOperation(AluOp op, short modifier = 0)
    {
        Op = op;
        Modifier = modifier;
    }

    /// <summary>The operation bits of the opcode.</summary>
    public AluOp Op { get; }

    /// <summary>The value of the offset field: 1 for signed division and modulo, else 0.</summary>
    public short Modifier { get; }

    /// <summary>64-bit <c>dst op= imm</c>; the immediate is sign-extended to 64 bits.</summary>
    public Instruction Imm(Register dst, int value) => Build(InstructionClass.Alu64, OperandSource.Constant, dst, Register.R0, value);

    /// <summary>64-bit <c>dst op= src</c>.</summary>
    public Instruction Reg(Register dst, Register src) => Build(InstructionClass.Alu64, OperandSource.Register, dst, src, 0);

    /// <summary>32-bit <c>wdst op= imm</c>; the upper half of the destination is zeroed.</summary>
    public Instruction Imm32(Register dst, int value) => Build(InstructionClass.Alu, OperandSource.Constant, dst, Register.R0, value);

    /// <summary>32-bit <c>wdst op= wsrc</c>; the upper half of the destination is zeroed.</summary>
    public Instruction Reg32(Register dst, Register src) => Build(InstructionClass.Alu, OperandSource.Register, dst, src, 0);

    private Instruction Build(InstructionClass cls, OperandSource source, Register dst, Register src, int value) =>
        new(OpCode.Alu(cls, Op, source), dst, src, Modifier, value);

    /// <inheritdoc />
    public override string ToString() => Modifier == 0 ? Op.ToString() : $"{Op} (offset {Modifier})";
}
