namespace Ebpf.Asm;

/// <summary>
/// Prints instructions in the Linux kernel verifier's syntax: the text of <c>print_bpf_insn</c> in
/// kernel/bpf/disasm.c (Linux 6.18), which verifier logs and <c>bpftool prog dump xlated</c> show,
/// for example <c>r1 = *(u64 *)(r10 -8)</c> or <c>call bpf_map_lookup_elem#1</c>.
/// </summary>
/// <remarks>
/// <see cref="Format(in Instruction)"/> returns the text alone; <see cref="FormatWithOpcode(in Instruction)"/>
/// adds the <c>(xx) </c> opcode prefix exactly as the kernel prints it (the kernel prints no prefix for the
/// <c>BUG_...</c> text of an instruction it cannot decode). Pointers are printed as if the kernel's
/// <c>allow_ptr_leaks</c> were set, as bpftool does. <see cref="InstructionListing"/> prints whole programs.
/// </remarks>
public static class InstructionFormatter
{
    /// <summary>Enough characters for any instruction printed without callback-supplied names.</summary>
    public const int MaxDefaultLength = 96;

    /// <summary>Formats one instruction without the opcode prefix, e.g. <c>r0 = 0</c>.</summary>
    public static string Format(in Instruction instruction) => Format(instruction, null);

    /// <summary>Formats one instruction without the opcode prefix, naming calls and <c>lddw</c> operands with <paramref name="namer"/>.</summary>
    /// <param name="instruction">The instruction.</param>
    /// <param name="namer">Supplies call target names and <c>lddw</c> operands, or null for the kernel's defaults.</param>
    public static string Format(in Instruction instruction, IInstructionNamer? namer) => ToText(instruction, withOpcode: false, namer);

    /// <summary>Formats one instruction with the kernel's <c>(xx) </c> opcode prefix, e.g. <c>(b7) r0 = 0</c>.</summary>
    public static string FormatWithOpcode(in Instruction instruction) => FormatWithOpcode(instruction, null);

    /// <summary>Formats one instruction with the kernel's <c>(xx) </c> opcode prefix, naming calls and <c>lddw</c> operands with <paramref name="namer"/>.</summary>
    /// <param name="instruction">The instruction.</param>
    /// <param name="namer">Supplies call target names and <c>lddw</c> operands, or null for the kernel's defaults.</param>
    public static string FormatWithOpcode(in Instruction instruction, IInstructionNamer? namer) => ToText(instruction, withOpcode: true, namer);

    /// <summary>Formats one instruction into <paramref name="destination"/> without allocating.</summary>
    /// <param name="instruction">The instruction.</param>
    /// <param name="destination">Where the text goes.</param>
    /// <param name="charsWritten">The number of characters written, or 0 when the text does not fit.</param>
    /// <param name="withOpcode">True to start with the kernel's <c>(xx) </c> opcode prefix.</param>
    /// <param name="namer">Supplies call target names and <c>lddw</c> operands, or null for the kernel's defaults.</param>
    /// <returns>False when <paramref name="destination"/> is too small.</returns>
    public static bool TryFormat(in Instruction instruction, Span<char> destination, out int charsWritten, bool withOpcode = false, IInstructionNamer? namer = null)
    {
        var buffer = new TextBuffer(stackalloc char[MaxDefaultLength * 2]);
        try
        {
            Write(ref buffer, instruction, withOpcode, namer);
            if (buffer.Length > destination.Length)
            {
                charsWritten = 0;
                return false;
            }

            buffer.Written.CopyTo(destination);
            charsWritten = buffer.Length;
            return true;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Writes one instruction to <paramref name="writer"/>, without a line break.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="instruction">The instruction.</param>
    /// <param name="withOpcode">True to start with the kernel's <c>(xx) </c> opcode prefix.</param>
    /// <param name="namer">Supplies call target names and <c>lddw</c> operands, or null for the kernel's defaults.</param>
    public static void Write(TextWriter writer, in Instruction instruction, bool withOpcode = false, IInstructionNamer? namer = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var buffer = new TextBuffer(stackalloc char[MaxDefaultLength * 2]);
        try
        {
            Write(ref buffer, instruction, withOpcode, namer);
            writer.Write(buffer.Written);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static string ToText(in Instruction instruction, bool withOpcode, IInstructionNamer? namer)
    {
        var buffer = new TextBuffer(stackalloc char[MaxDefaultLength * 2]);
        try
        {
            Write(ref buffer, instruction, withOpcode, namer);
            return buffer.ToString();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>The kernel's <c>print_bpf_insn</c>, one branch per class.</summary>
    internal static void Write(ref TextBuffer b, in Instruction insn, bool withOpcode, IInstructionNamer? namer)
    {
        switch (insn.OpCode.Class)
        {
            case InstructionClass.Alu:
            case InstructionClass.Alu64:
                WriteAlu(ref b, insn, withOpcode);
                break;
            case InstructionClass.StX:
                WriteStoreRegister(ref b, insn, withOpcode);
                break;
            case InstructionClass.St:
                WriteStoreImmediate(ref b, insn, withOpcode);
                break;
            case InstructionClass.LdX:
                WriteLoadRegister(ref b, insn, withOpcode);
                break;
            case InstructionClass.Ld:
                WriteLoad(ref b, insn, withOpcode, namer);
                break;
            default:
                WriteJump(ref b, insn, withOpcode, namer);
                break;
        }
    }

    private static void Prefix(ref TextBuffer b, in Instruction insn, bool withOpcode)
    {
        if (withOpcode)
        {
            b.Append('(');
            b.AppendHexByte(insn.OpCode.Value);
            b.Append(") ");
        }
    }

    /// <summary>The kernel's text for an encoding it cannot print: <c>BUG_</c>, a class tag, and the opcode; never prefixed.</summary>
    private static void Bug(ref TextBuffer b, in Instruction insn, string tag)
    {
        b.Append("BUG_");
        b.Append(tag);
        b.AppendHexByte(insn.OpCode.Value);
    }

    private static void Reg(ref TextBuffer b, char kind, Register reg)
    {
        b.Append(kind);
        b.AppendDecimal((byte)reg);
    }

    /// <summary><c>(u64 *)(r1 -8)</c>: the size, the base register and the signed offset.</summary>
    private static void Address(ref TextBuffer b, string? size, Register baseReg, short offset)
    {
        b.Append('(');
        b.AppendOrNull(size);
        b.Append(" *)(");
        Reg(ref b, 'r', baseReg);
        b.Append(' ');
        b.AppendSigned(offset);
        b.Append(')');
    }

    private static void WriteAlu(ref TextBuffer b, in Instruction insn, bool withOpcode)
    {
        OpCode op = insn.OpCode;
        bool is64 = op.Class == InstructionClass.Alu64;
        char kind = is64 ? 'r' : 'w';
        Prefix(ref b, insn, withOpcode);
        switch (op.AluOp)
        {
            case AluOp.End:
                // Byte swaps always name the 64-bit register.
                Reg(ref b, 'r', insn.Dst);
                b.Append(is64 ? " = bswap" : op.Endianness == Endianness.ToBigEndian ? " = be" : " = le");
                b.AppendDecimal(insn.Immediate);
                b.Append(' ');
                Reg(ref b, 'r', insn.Dst);
                return;
            case AluOp.Neg:
                Reg(ref b, kind, insn.Dst);
                b.Append(" = -");
                Reg(ref b, kind, insn.Dst);
                return;
        }

        if (op.Value == AddressSpaceCastOpCode && insn.Offset == AddressSpaceCastOffset)
        {
            uint imm = unchecked((uint)insn.Immediate);
            Reg(ref b, 'r', insn.Dst);
            b.Append(" = addr_space_cast(");
            Reg(ref b, 'r', insn.Src);
            b.Append(", ");
            b.AppendDecimal(imm >> 16);
            b.Append(", ");
            b.AppendDecimal(imm & 0xffff);
            b.Append(')');
            return;
        }

        if (op.Value == AddressSpaceCastOpCode && insn.Offset == PerCpuAddressOffset)
        {
            Reg(ref b, 'r', insn.Dst);
            b.Append(" = &(void __percpu *)(");
            Reg(ref b, 'r', insn.Src);
            b.Append(')');
            return;
        }

        Reg(ref b, kind, insn.Dst);
        b.Append(' ');
        b.AppendOrNull(AluOperator(op.AluOp, insn.Offset));
        b.Append(' ');
        if (op.Source == OperandSource.Register)
        {
            if (op.AluOp == AluOp.Mov)
            {
                b.Append(insn.Offset switch
                {
                    8 => "(s8)",
                    16 => "(s16)",
                    32 => "(s32)",
                    _ => "",
                });
            }

            Reg(ref b, kind, insn.Src);
        }
        else
        {
            b.AppendDecimal(insn.Immediate);
        }
    }

    /// <summary>The operator of a two-operand ALU instruction; null (printed <c>(null)</c>) for the undefined operations.</summary>
    private static string? AluOperator(AluOp op, short offset) => op switch
    {
        AluOp.Add => "+=",
        AluOp.Sub => "-=",
        AluOp.Mul => "*=",
        AluOp.Div => offset == 1 ? "s/=" : "/=",
        AluOp.Or => "|=",
        AluOp.And => "&=",
        AluOp.Lsh => "<<=",
        AluOp.Rsh => ">>=",
        AluOp.Neg => "neg",
        AluOp.Mod => offset == 1 ? "s%=" : "%=",
        AluOp.Xor => "^=",
        AluOp.Mov => "=",
        AluOp.ArSh => "s>>=",
        AluOp.End => "endian",
        _ => null,
    };

    private static string UnsignedSize(AccessSize size) => size switch
    {
        AccessSize.Word => "u32",
        AccessSize.Half => "u16",
        AccessSize.Byte => "u8",
        _ => "u64",
    };

    private static string? SignedSize(AccessSize size) => size switch
    {
        AccessSize.Word => "s32",
        AccessSize.Half => "s16",
        AccessSize.Byte => "s8",
        _ => null,
    };

    private static void WriteStoreRegister(ref TextBuffer b, in Instruction insn, bool withOpcode)
    {
        OpCode op = insn.OpCode;
        string size = UnsignedSize(op.Size);
        if (op.Mode == MemoryMode.Mem)
        {
            Prefix(ref b, insn, withOpcode);
            b.Append('*');
            Address(ref b, size, insn.Dst, insn.Offset);
            b.Append(" = ");
            Reg(ref b, 'r', insn.Src);
            return;
        }

        if (op.Mode != MemoryMode.Atomic)
        {
            Bug(ref b, insn, "");
            return;
        }

        string width = op.Size == AccessSize.DWord ? "64" : "";
        switch ((AtomicOp)insn.Immediate)
        {
            case AtomicOp.Add:
            case AtomicOp.And:
            case AtomicOp.Or:
            case AtomicOp.Xor:
                Prefix(ref b, insn, withOpcode);
                b.Append("lock *");
                Address(ref b, size, insn.Dst, insn.Offset);
                b.Append(' ');
                b.Append(AluOperator((AluOp)insn.Immediate, 0));
                b.Append(' ');
                Reg(ref b, 'r', insn.Src);
                return;
            case AtomicOp.FetchAdd:
            case AtomicOp.FetchAnd:
            case AtomicOp.FetchOr:
            case AtomicOp.FetchXor:
                Prefix(ref b, insn, withOpcode);
                Reg(ref b, 'r', insn.Src);
                b.Append(" = atomic");
                b.Append(width);
                b.Append("_fetch_");
                b.Append((AtomicOp)insn.Immediate switch
                {
                    AtomicOp.FetchAdd => "add",
                    AtomicOp.FetchAnd => "and",
                    AtomicOp.FetchOr => "or",
                    _ => "xor",
                });
                b.Append('(');
                Address(ref b, size, insn.Dst, insn.Offset);
                b.Append(", ");
                Reg(ref b, 'r', insn.Src);
                b.Append(')');
                return;
            case AtomicOp.CmpXchg:
                Prefix(ref b, insn, withOpcode);
                b.Append("r0 = atomic");
                b.Append(width);
                b.Append("_cmpxchg(");
                Address(ref b, size, insn.Dst, insn.Offset);
                b.Append(", r0, ");
                Reg(ref b, 'r', insn.Src);
                b.Append(')');
                return;
            case AtomicOp.Xchg:
                Prefix(ref b, insn, withOpcode);
                Reg(ref b, 'r', insn.Src);
                b.Append(" = atomic");
                b.Append(width);
                b.Append("_xchg(");
                Address(ref b, size, insn.Dst, insn.Offset);
                b.Append(", ");
                Reg(ref b, 'r', insn.Src);
                b.Append(')');
                return;
            case AtomicOp.LoadAcquire:
                Prefix(ref b, insn, withOpcode);
                Reg(ref b, 'r', insn.Dst);
                b.Append(" = load_acquire(");
                Address(ref b, size, insn.Src, insn.Offset);
                b.Append(')');
                return;
            case AtomicOp.StoreRelease:
                Prefix(ref b, insn, withOpcode);
                b.Append("store_release(");
                Address(ref b, size, insn.Dst, insn.Offset);
                b.Append(", ");
                Reg(ref b, 'r', insn.Src);
                b.Append(')');
                return;
            default:
                Bug(ref b, insn, "");
                return;
        }
    }

    private static void WriteStoreImmediate(ref TextBuffer b, in Instruction insn, bool withOpcode)
    {
        OpCode op = insn.OpCode;
        if (op.Mode == MemoryMode.Mem)
        {
            Prefix(ref b, insn, withOpcode);
            b.Append('*');
            Address(ref b, UnsignedSize(op.Size), insn.Dst, insn.Offset);
            b.Append(" = ");
            b.AppendDecimal(insn.Immediate);
        }
        else if ((byte)op.Mode == NoSpecMode)
        {
            Prefix(ref b, insn, withOpcode);
            b.Append("nospec");
        }
        else
        {
            Bug(ref b, insn, "st_");
        }
    }

    private static void WriteLoadRegister(ref TextBuffer b, in Instruction insn, bool withOpcode)
    {
        OpCode op = insn.OpCode;
        if (op.Mode is not (MemoryMode.Mem or MemoryMode.MemSX))
        {
            Bug(ref b, insn, "ldx_");
            return;
        }

        Prefix(ref b, insn, withOpcode);
        Reg(ref b, 'r', insn.Dst);
        b.Append(" = *");
        Address(ref b, op.Mode == MemoryMode.Mem ? UnsignedSize(op.Size) : SignedSize(op.Size), insn.Src, insn.Offset);
    }

    private static void WriteLoad(ref TextBuffer b, in Instruction insn, bool withOpcode, IInstructionNamer? namer)
    {
        OpCode op = insn.OpCode;
        switch (op.Mode)
        {
            case MemoryMode.Abs:
                Prefix(ref b, insn, withOpcode);
                b.Append("r0 = *(");
                b.Append(UnsignedSize(op.Size));
                b.Append(" *)skb[");
                b.AppendDecimal(insn.Immediate);
                b.Append(']');
                return;
            case MemoryMode.Ind:
                Prefix(ref b, insn, withOpcode);
                b.Append("r0 = *(");
                b.Append(UnsignedSize(op.Size));
                b.Append(" *)skb[");
                Reg(ref b, 'r', insn.Src);
                b.Append(" + ");
                b.AppendDecimal(insn.Immediate);
                b.Append(']');
                return;
            case MemoryMode.Imm when op.Size == AccessSize.DWord:
                Prefix(ref b, insn, withOpcode);
                Reg(ref b, 'r', insn.Dst);
                b.Append(" = ");
                string? text = namer?.FormatImmediate64(insn);
                if (text != null)
                {
                    b.Append(text);
                }
                else
                {
                    b.AppendHexWithPrefix(unchecked((ulong)insn.Constant));
                }

                return;
            default:
                Bug(ref b, insn, "ld_");
                return;
        }
    }

    private static void WriteJump(ref TextBuffer b, in Instruction insn, bool withOpcode, IInstructionNamer? namer)
    {
        OpCode op = insn.OpCode;
        Prefix(ref b, insn, withOpcode);
        if (op.JumpOp == JumpOp.Call)
        {
            WriteCall(ref b, insn, namer);
            return;
        }

        switch (op.Value)
        {
            case GotoOpCode:
                b.Append("goto pc");
                b.AppendSigned(insn.Offset);
                return;
            case MayGotoOpCode when (byte)insn.Src == MayGotoSource:
                b.Append("may_goto pc");
                b.AppendSigned(insn.Offset);
                return;
            case LongGotoOpCode:
                b.Append("gotol pc");
                b.AppendSigned(insn.Immediate);
                return;
            case ExitOpCode:
                b.Append("exit");
                return;
        }

        char kind = op.Class == InstructionClass.Jmp32 ? 'w' : 'r';
        b.Append("if ");
        Reg(ref b, kind, insn.Dst);
        b.Append(' ');
        b.AppendOrNull(JumpOperator(op.JumpOp));
        b.Append(' ');
        if (op.Source == OperandSource.Register)
        {
            Reg(ref b, kind, insn.Src);
        }
        else
        {
            b.AppendHexWithPrefix(unchecked((uint)insn.Immediate));
        }

        b.Append(" goto pc");
        b.AppendSigned(insn.Offset);
    }

    /// <summary>The comparison of a conditional jump; null (printed <c>(null)</c>) for the undefined operations.</summary>
    private static string? JumpOperator(JumpOp op) => op switch
    {
        JumpOp.Ja => "jmp",
        JumpOp.JEq => "==",
        JumpOp.JGT => ">",
        JumpOp.JLT => "<",
        JumpOp.JGE => ">=",
        JumpOp.JLE => "<=",
        JumpOp.JSet => "&",
        JumpOp.JNE => "!=",
        JumpOp.JSGT => "s>",
        JumpOp.JSLT => "s<",
        JumpOp.JSGE => "s>=",
        JumpOp.JSLE => "s<=",
        JumpOp.Call => "call",
        JumpOp.Exit => "exit",
        _ => null,
    };

    /// <summary>
    /// <c>call pc+N</c> for a BPF-to-BPF call, else <c>call name#imm</c>. Like the kernel's
    /// <c>__func_get_name</c>: a helper id with a known name wins, then the namer, then the default.
    /// </summary>
    private static void WriteCall(ref TextBuffer b, in Instruction insn, IInstructionNamer? namer)
    {
        byte src = (byte)insn.Src;
        string? name = src == 0 ? insn.Helper.GetName() : null;
        name ??= namer?.NameCall(insn);
        if (src == PseudoSource.Call)
        {
            b.Append("call pc");
            if (name != null)
            {
                b.Append(name);
            }
            else
            {
                b.AppendSigned(insn.Immediate);
            }

            return;
        }

        b.Append("call ");
        b.Append(name ?? (src == PseudoSource.KfuncCall ? "kernel-function" : "unknown"));
        b.Append('#');
        b.AppendDecimal(insn.Immediate);
    }

    /// <summary>ALU64 | MOV | X: the opcode of the address space cast and of the per-CPU address move.</summary>
    private const byte AddressSpaceCastOpCode = 0xbf;

    /// <summary>BPF_ADDR_SPACE_CAST: the offset that turns a register move into an address space cast.</summary>
    private const short AddressSpaceCastOffset = 1;

    /// <summary>BPF_ADDR_PERCPU: the kernel-internal offset that turns a register move into a per-CPU address computation.</summary>
    private const short PerCpuAddressOffset = -1;

    /// <summary>BPF_NOSPEC: the kernel-internal speculation barrier mode of the ST class.</summary>
    private const byte NoSpecMode = 0xc0;

    /// <summary>JMP | JA.</summary>
    private const byte GotoOpCode = 0x05;

    /// <summary>JMP32 | JA: <c>gotol</c>, with the distance in the immediate.</summary>
    private const byte LongGotoOpCode = 0x06;

    /// <summary>JMP | JCOND.</summary>
    private const byte MayGotoOpCode = 0xe5;

    /// <summary>BPF_MAY_GOTO: the source register of a <c>may_goto</c>.</summary>
    private const byte MayGotoSource = 0;

    /// <summary>JMP | EXIT.</summary>
    private const byte ExitOpCode = 0x95;
}
