namespace Ebpf.Asm;

/// <summary>
/// Builds BPF instructions, one static member per instruction family:
/// <c>Insn.Mov.Imm(Register.R0, 0)</c>, <c>Insn.Add.Reg32(Register.R1, Register.R2)</c>,
/// <c>Insn.JEq.Imm(Register.R0, 0, "out")</c>, <c>Insn.Call(Helper.MapLookupElem)</c>, <c>Insn.Exit()</c>.
/// Labels are attached with <see cref="Instruction.WithSymbol"/>; jumps and calls that name a label
/// are resolved by <see cref="Instructions.ResolveReferences"/> or when the instructions are encoded.
/// </summary>
public static partial class Insn
{
    /// <summary><c>dst += src</c>.</summary>
    public static readonly AluOperation Add = new(AluOp.Add);

    /// <summary><c>dst -= src</c>.</summary>
    public static readonly AluOperation Sub = new(AluOp.Sub);

    /// <summary><c>dst *= src</c>.</summary>
    public static readonly AluOperation Mul = new(AluOp.Mul);

    /// <summary><c>dst /= src</c>, unsigned.</summary>
    public static readonly AluOperation Div = new(AluOp.Div);

    /// <summary><c>dst s/= src</c>, signed (ISA v4: offset 1).</summary>
    public static readonly AluOperation SDiv = new(AluOp.Div, 1);

    /// <summary><c>dst |= src</c>.</summary>
    public static readonly AluOperation Or = new(AluOp.Or);

    /// <summary><c>dst &amp;= src</c>.</summary>
    public static readonly AluOperation And = new(AluOp.And);

    /// <summary><c>dst &lt;&lt;= src</c>.</summary>
    public static readonly AluOperation LSh = new(AluOp.Lsh);

    /// <summary><c>dst &gt;&gt;= src</c>, logical.</summary>
    public static readonly AluOperation RSh = new(AluOp.Rsh);

    /// <summary><c>dst s&gt;&gt;= src</c>, arithmetic.</summary>
    public static readonly AluOperation ArSh = new(AluOp.ArSh);

    /// <summary><c>dst %= src</c>, unsigned.</summary>
    public static readonly AluOperation Mod = new(AluOp.Mod);

    /// <summary><c>dst s%= src</c>, signed (ISA v4: offset 1).</summary>
    public static readonly AluOperation SMod = new(AluOp.Mod, 1);

    /// <summary><c>dst ^= src</c>.</summary>
    public static readonly AluOperation Xor = new(AluOp.Xor);

    /// <summary><c>dst = src</c>. The 32-bit forms zero the upper half of the destination.</summary>
    public static readonly AluOperation Mov = new(AluOp.Mov);

    /// <summary><c>dst = (s8/s16/s32)src</c>, sign-extending the low <paramref name="bits"/> of src to 64 bits (ISA v4).</summary>
    /// <param name="dst">Destination register.</param>
    /// <param name="src">Source register.</param>
    /// <param name="bits">8, 16 or 32.</param>
    public static Instruction MovSX(Register dst, Register src, int bits)
    {
        if (bits is not (8 or 16 or 32))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "movsx extends 8, 16 or 32 bits");
        }

        return new Instruction(OpCode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.Register), dst, src, (short)bits, 0);
    }

    /// <summary><c>wdst = (s8/s16)wsrc</c>, sign-extending the low <paramref name="bits"/> of src to 32 bits (ISA v4).</summary>
    /// <param name="dst">Destination register.</param>
    /// <param name="src">Source register.</param>
    /// <param name="bits">8 or 16.</param>
    public static Instruction MovSX32(Register dst, Register src, int bits)
    {
        if (bits is not (8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "32-bit movsx extends 8 or 16 bits");
        }

        return new Instruction(OpCode.Alu(InstructionClass.Alu, AluOp.Mov, OperandSource.Register), dst, src, (short)bits, 0);
    }

    /// <summary><c>dst = -dst</c>, 64-bit.</summary>
    public static Instruction Neg(Register dst) =>
        new(OpCode.Alu(InstructionClass.Alu64, AluOp.Neg, OperandSource.Constant), dst, Register.R0, 0, 0);

    /// <summary><c>wdst = -wdst</c>, 32-bit.</summary>
    public static Instruction Neg32(Register dst) =>
        new(OpCode.Alu(InstructionClass.Alu, AluOp.Neg, OperandSource.Constant), dst, Register.R0, 0, 0);

    /// <summary>Converts the low <paramref name="bits"/> of dst to big endian, zero-extending (<c>be16/be32/be64</c>).</summary>
    /// <param name="dst">The register to convert in place.</param>
    /// <param name="bits">16, 32 or 64.</param>
    public static Instruction ToBigEndian(Register dst, int bits) => Swap(InstructionClass.Alu, (OperandSource)Endianness.ToBigEndian, dst, bits);

    /// <summary>Converts the low <paramref name="bits"/> of dst to little endian, zero-extending (<c>le16/le32/le64</c>).</summary>
    /// <param name="dst">The register to convert in place.</param>
    /// <param name="bits">16, 32 or 64.</param>
    public static Instruction ToLittleEndian(Register dst, int bits) => Swap(InstructionClass.Alu, (OperandSource)Endianness.ToLittleEndian, dst, bits);

    /// <summary>Unconditionally reverses the byte order of the low <paramref name="bits"/> of dst, zero-extending (<c>bswap16/32/64</c>, ISA v4).</summary>
    /// <param name="dst">The register to swap in place.</param>
    /// <param name="bits">16, 32 or 64.</param>
    public static Instruction BSwap(Register dst, int bits) => Swap(InstructionClass.Alu64, OperandSource.Constant, dst, bits);

    private static Instruction Swap(InstructionClass cls, OperandSource direction, Register dst, int bits)
    {
        if (bits is not (16 or 32 or 64))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "byte swaps take 16, 32 or 64 bits");
        }

        return new Instruction(OpCode.Alu(cls, AluOp.End, direction), dst, Register.R0, 0, bits);
    }

    /// <summary>Checks a label or symbol name given to a builder.</summary>
    internal static string RequireLabel(string label, string parameter = "label")
    {
        ArgumentException.ThrowIfNullOrEmpty(label, parameter);
        return label;
    }
}
