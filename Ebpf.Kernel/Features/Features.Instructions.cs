using Ebpf.Asm;

namespace Ebpf.Kernel;

/// <summary>
/// Instruction set and verifier probes of <see cref="Features"/>: what bpftool lists as "miscellaneous eBPF
/// features" (large programs, bounded loops, ISA extensions v2 to v4). Each loads a tiny socket filter.
/// </summary>
public sealed partial class Features
{
    /// <summary>The instruction limit of unprivileged-era kernels (<c>BPF_MAXINSNS</c>).</summary>
    private const int MaxClassicInstructions = 4096;

    /// <summary>Checks that programs may have more than 4096 instructions (Linux 5.2).</summary>
    /// <exception cref="EbpfNotSupportedException">The kernel refuses them.</exception>
    public void HaveLargeInstructions() =>
        Check(new ProbeKey("isa", 1), static self => self.ProbeInstructions("programs of more than 4096 instructions", "5.2", LargeProgram()), this);

    /// <summary>Checks that the verifier accepts bounded loops (backward jumps, Linux 5.3).</summary>
    /// <exception cref="EbpfNotSupportedException">It does not.</exception>
    public void HaveBoundedLoops() =>
        Check(new ProbeKey("isa", 2), static self => self.ProbeInstructions("bounded loops", "5.3",
        [
            MovImm(10),
            new Instruction(OpCode.Alu(InstructionClass.Alu64, AluOp.Sub, OperandSource.Constant), Register.R0, Register.R0, 0, 1),
            new Instruction(OpCode.Jump(InstructionClass.Jmp, JumpOp.JNE, OperandSource.Constant), Register.R0, Register.R0, -2, 0),
            Exit(),
        ]), this);

    /// <summary>Checks for ISA extension v2: the <c>JLT</c>/<c>JLE</c>/<c>JSLT</c>/<c>JSLE</c> jumps (Linux 4.14).</summary>
    /// <exception cref="EbpfNotSupportedException">The kernel lacks them.</exception>
    public void HaveV2Isa() =>
        Check(new ProbeKey("isa", 3), static self => self.ProbeInstructions("ISA extension v2 (JLT, JLE, JSLT, JSLE)", "4.14", LessThanJump(InstructionClass.Jmp)), this);

    /// <summary>Checks for ISA extension v3: 32-bit jumps (<c>BPF_JMP32</c>, Linux 5.1).</summary>
    /// <exception cref="EbpfNotSupportedException">The kernel lacks them.</exception>
    public void HaveV3Isa() =>
        Check(new ProbeKey("isa", 4), static self => self.ProbeInstructions("ISA extension v3 (BPF_JMP32)", "5.1", LessThanJump(InstructionClass.Jmp32)), this);

    /// <summary>
    /// Checks for ISA extension v4 (Linux 6.6), probed with one instruction of each kind it added: a sign-extending
    /// load (<c>ldsx</c>), a sign-extending move (<c>movsx</c>), signed division (<c>sdiv</c>), an unconditional byte
    /// swap (<c>bswap</c>) and a long jump (<c>gotol</c>). All of them, because stable kernels took some alone:
    /// Debian's 6.1 accepts <c>gotol</c> but refuses the rest.
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">The kernel lacks them.</exception>
    public void HaveV4Isa() =>
        Check(new ProbeKey("isa", 5), static self => self.ProbeInstructions("ISA extension v4 (sign extension, sdiv, bswap, gotol)", "6.6",
        [
            MovImm(0),
            Insn.StoreMem(Register.R10, -8, Register.R0, AccessSize.DWord),
            Insn.LoadMemSX(Register.R0, Register.R10, -8, AccessSize.Byte),
            Insn.MovSX(Register.R0, Register.R0, 16),
            Insn.SDiv.Imm(Register.R0, 1),
            Insn.BSwap(Register.R0, 64),
            new Instruction(OpCode.Jump(InstructionClass.Jmp, JumpOp.JEq, OperandSource.Constant), Register.R0, Register.R0, 1, 1),
            Insn.JaLong(1),
            MovImm(1),
            Exit(),
        ]), this);

    private EbpfNotSupportedException? ProbeInstructions(string feature, string minimumKernel, Instruction[] instructions)
    {
        var failure = LoadProbe(BpfProgramType.SocketFilter, instructions, out _);
        if (failure is null || failure.Errno == Errno.ENOSPC)
        {
            return null; // ENOSPC: the program passed, only the probe's small log overflowed
        }

        // The verifier's refusal (unknown opcode, back-edge, too large) is the answer; anything else is not.
        return failure is EbpfVerifierException || failure.Errno is Errno.EINVAL or Errno.E2BIG or Errno.EACCES
            ? new EbpfNotSupportedException(feature, minimumKernel, failure.Errno, failure)
            : throw failure;
    }

    private static Instruction[] LargeProgram()
    {
        var instructions = new Instruction[MaxClassicInstructions + 1];
        Array.Fill(instructions, MovImm(1));
        instructions[^1] = Exit();
        return instructions;
    }

    private static Instruction[] LessThanJump(InstructionClass jumpClass) =>
    [
        MovImm(0),
        new Instruction(OpCode.Jump(jumpClass, JumpOp.JLT, OperandSource.Constant), Register.R0, Register.R0, 1, 0),
        MovImm(1),
        Exit(),
    ];

    private static Instruction MovImm(int value) =>
        new(OpCode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.Constant), Register.R0, Register.R0, 0, value);

    private static Instruction Exit() =>
        new(OpCode.Jump(InstructionClass.Jmp, JumpOp.Exit, OperandSource.Constant), Register.R0, Register.R0, 0, 0);
}
