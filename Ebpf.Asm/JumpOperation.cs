namespace Ebpf.Asm;

/// <summary>
/// Builds one conditional jump in its four forms: comparing 64-bit registers (JMP) or their lower
/// 32 bits (JMP32), against an immediate or a register. The target is a label, resolved by
/// <see cref="Instructions.ResolveReferences"/> (kept in <see cref="InstructionMetadata.Reference"/>),
/// or a raw offset in slots counted from the next instruction. Get instances from <see cref="Insn"/>,
/// for example <c>Insn.JEq.Imm(Register.R0, 0, "out")</c>.
/// </summary>
public sealed class JumpOperation
{
    internal JumpOperation(JumpOp op)
    {
        Op = op;
    }

    /// <summary>The operation bits of the opcode.</summary>
    public JumpOp Op { get; }

    /// <summary><c>if dst op imm goto label</c>, comparing 64 bits.</summary>
    public Instruction Imm(Register dst, int value, string label) => Imm(dst, value, 0).WithReference(Insn.RequireLabel(label));

    /// <summary><c>if dst op imm goto +offset</c>, comparing 64 bits.</summary>
    public Instruction Imm(Register dst, int value, short offset) => Build(InstructionClass.Jmp, OperandSource.Constant, dst, Register.R0, value, offset);

    /// <summary><c>if dst op src goto label</c>, comparing 64 bits.</summary>
    public Instruction Reg(Register dst, Register src, string label) => Reg(dst, src, 0).WithReference(Insn.RequireLabel(label));

    /// <summary><c>if dst op src goto +offset</c>, comparing 64 bits.</summary>
    public Instruction Reg(Register dst, Register src, short offset) => Build(InstructionClass.Jmp, OperandSource.Register, dst, src, 0, offset);

    /// <summary><c>if wdst op imm goto label</c>, comparing the lower 32 bits.</summary>
    public Instruction Imm32(Register dst, int value, string label) => Imm32(dst, value, 0).WithReference(Insn.RequireLabel(label));

    /// <summary><c>if wdst op imm goto +offset</c>, comparing the lower 32 bits.</summary>
    public Instruction Imm32(Register dst, int value, short offset) => Build(InstructionClass.Jmp32, OperandSource.Constant, dst, Register.R0, value, offset);

    /// <summary><c>if wdst op wsrc goto label</c>, comparing the lower 32 bits.</summary>
    public Instruction Reg32(Register dst, Register src, string label) => Reg32(dst, src, 0).WithReference(Insn.RequireLabel(label));

    /// <summary><c>if wdst op wsrc goto +offset</c>, comparing the lower 32 bits.</summary>
    public Instruction Reg32(Register dst, Register src, short offset) => Build(InstructionClass.Jmp32, OperandSource.Register, dst, src, 0, offset);

    private Instruction Build(InstructionClass cls, OperandSource source, Register dst, Register src, int value, short offset) =>
        new(OpCode.Jump(cls, Op, source), dst, src, offset, value);

    /// <inheritdoc />
    public override string ToString() => Op.ToString();
}
