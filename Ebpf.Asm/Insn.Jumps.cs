namespace Ebpf.Asm;

public static partial class Insn
{
    /// <summary>Jump if <c>dst == src</c>.</summary>
    public static readonly JumpOperation JEq = new(JumpOp.JEq);

    /// <summary>Jump if <c>dst != src</c>.</summary>
    public static readonly JumpOperation JNE = new(JumpOp.JNE);

    /// <summary>Jump if <c>dst &gt; src</c>, unsigned.</summary>
    public static readonly JumpOperation JGT = new(JumpOp.JGT);

    /// <summary>Jump if <c>dst &gt;= src</c>, unsigned.</summary>
    public static readonly JumpOperation JGE = new(JumpOp.JGE);

    /// <summary>Jump if <c>dst &lt; src</c>, unsigned.</summary>
    public static readonly JumpOperation JLT = new(JumpOp.JLT);

    /// <summary>Jump if <c>dst &lt;= src</c>, unsigned.</summary>
    public static readonly JumpOperation JLE = new(JumpOp.JLE);

    /// <summary>Jump if <c>dst &gt; src</c>, signed.</summary>
    public static readonly JumpOperation JSGT = new(JumpOp.JSGT);

    /// <summary>Jump if <c>dst &gt;= src</c>, signed.</summary>
    public static readonly JumpOperation JSGE = new(JumpOp.JSGE);

    /// <summary>Jump if <c>dst &lt; src</c>, signed.</summary>
    public static readonly JumpOperation JSLT = new(JumpOp.JSLT);

    /// <summary>Jump if <c>dst &lt;= src</c>, signed.</summary>
    public static readonly JumpOperation JSLE = new(JumpOp.JSLE);

    /// <summary>Jump if <c>dst &amp; src</c> is non-zero.</summary>
    public static readonly JumpOperation JSet = new(JumpOp.JSet);

    /// <summary><c>goto label</c>, with a 16-bit offset.</summary>
    public static Instruction Ja(string label) => Ja(0).WithReference(RequireLabel(label));

    /// <summary><c>goto +offset</c>, in slots counted from the next instruction.</summary>
    public static Instruction Ja(short offset) =>
        new(OpCode.Jump(InstructionClass.Jmp, JumpOp.Ja, OperandSource.Constant), Register.R0, Register.R0, offset, 0);

    /// <summary><c>gotol label</c>: JMP32 | JA with a 32-bit offset in the immediate (ISA v4).</summary>
    public static Instruction JaLong(string label) => JaLong(0).WithReference(RequireLabel(label));

    /// <summary><c>gotol +offset</c>: JMP32 | JA with a 32-bit offset in the immediate (ISA v4).</summary>
    public static Instruction JaLong(int offset) =>
        new(OpCode.Jump(InstructionClass.Jmp32, JumpOp.Ja, OperandSource.Constant), Register.R0, Register.R0, 0, offset);

    /// <summary><c>may_goto label</c>: JMP | JCOND | K, which the kernel takes once a loop budget is spent.</summary>
    public static Instruction MayGoto(string label) => MayGoto(0).WithReference(RequireLabel(label));

    /// <summary><c>may_goto +offset</c>: JMP | JCOND | K with source 0 (BPF_MAY_GOTO).</summary>
    public static Instruction MayGoto(short offset) =>
        new(OpCode.Jump(InstructionClass.Jmp, JumpOp.JCond, OperandSource.Constant), Register.R0, Register.R0, offset, 0);

    /// <summary><c>call helper</c>: calls a kernel helper by id.</summary>
    public static Instruction Call(Helper helper) =>
        new(CallOpCode, Register.R0, Register.R0, 0, (int)helper);

    /// <summary>
    /// BPF-to-BPF call of the function whose first instruction has symbol <paramref name="function"/>
    /// (source <see cref="PseudoSource.Call"/>); the relative immediate is filled in on resolution.
    /// </summary>
    public static Instruction CallFunction(string function) =>
        new Instruction(CallOpCode, Register.R0, (Register)PseudoSource.Call, 0, -1).WithReference(RequireLabel(function, nameof(function)));

    /// <summary>BPF-to-BPF call <paramref name="offset"/> slots after the next instruction.</summary>
    public static Instruction CallFunction(int offset) =>
        new(CallOpCode, Register.R0, (Register)PseudoSource.Call, 0, offset);

    /// <summary>Calls a kernel function (kfunc) by its BTF id (source <see cref="PseudoSource.KfuncCall"/>).</summary>
    /// <param name="btfId">The BTF id of the function's FUNC type.</param>
    /// <param name="btfFdIndex">0 for vmlinux BTF, else the index of a module's BTF fd in the program's fd array.</param>
    public static Instruction CallKfunc(int btfId, short btfFdIndex = 0) =>
        new(CallOpCode, Register.R0, (Register)PseudoSource.KfuncCall, btfFdIndex, btfId);

    /// <summary>
    /// Calls the kernel function named <paramref name="name"/>; a loader resolves the BTF id from
    /// <see cref="InstructionMetadata.Reference"/>. The immediate stays 0 until then.
    /// </summary>
    public static Instruction CallKfunc(string name) => CallKfunc(0).WithReference(RequireLabel(name, nameof(name)));

    /// <summary><c>exit</c>: returns r0 to the caller or, in the main function, ends the program.</summary>
    public static Instruction Exit() =>
        new(OpCode.Jump(InstructionClass.Jmp, JumpOp.Exit, OperandSource.Constant), Register.R0, Register.R0, 0, 0);

    /// <summary>The same as <see cref="Exit"/>.</summary>
    public static Instruction Return() => Exit();

    private static OpCode CallOpCode => OpCode.Jump(InstructionClass.Jmp, JumpOp.Call, OperandSource.Constant);
}
