namespace Ebpf.Asm;

/// <summary>
/// The 8-bit opcode of an instruction. Its meaning depends on the class: ALU and jump opcodes hold
/// an operation and an operand source, load and store opcodes hold a mode and an access size.
/// </summary>
public readonly record struct OpCode(byte Value)
{
    /// <summary>The opcode of the 64-bit immediate load (<c>lddw</c>), which spans two slots.</summary>
    public static readonly OpCode LoadImm64 = new((byte)((byte)InstructionClass.Ld | (byte)MemoryMode.Imm | (byte)AccessSize.DWord));

    /// <summary>The instruction class.</summary>
    public InstructionClass Class => (InstructionClass)(Value & 0x07);

    /// <summary>True for ALU and ALU64.</summary>
    public bool IsAlu => Class is InstructionClass.Alu or InstructionClass.Alu64;

    /// <summary>True for JMP and JMP32.</summary>
    public bool IsJump => Class is InstructionClass.Jmp or InstructionClass.Jmp32;

    /// <summary>True for LD, LDX, ST and STX.</summary>
    public bool IsLoadOrStore => Class is InstructionClass.Ld or InstructionClass.LdX or InstructionClass.St or InstructionClass.StX;

    /// <summary>The arithmetic operation, for ALU classes.</summary>
    public AluOp AluOp => (AluOp)(Value & 0xf0);

    /// <summary>The jump operation, for jump classes.</summary>
    public JumpOp JumpOp => (JumpOp)(Value & 0xf0);

    /// <summary>The operand source bit, for ALU and jump classes.</summary>
    public OperandSource Source => (OperandSource)(Value & 0x08);

    /// <summary>The byte-swap direction of a 32-bit ALU <c>End</c> instruction.</summary>
    public Endianness Endianness => (Endianness)(Value & 0x08);

    /// <summary>The addressing mode, for load and store classes.</summary>
    public MemoryMode Mode => (MemoryMode)(Value & 0xe0);

    /// <summary>The access size, for load and store classes.</summary>
    public AccessSize Size => (AccessSize)(Value & 0x18);

    /// <summary>True for <c>lddw</c>, the only instruction that takes two slots.</summary>
    public bool IsLoadImm64 => Value == LoadImm64.Value;

    /// <summary>Builds an ALU or ALU64 opcode.</summary>
    public static OpCode Alu(InstructionClass cls, AluOp op, OperandSource source) => new((byte)((byte)cls | (byte)op | (byte)source));

    /// <summary>Builds a JMP or JMP32 opcode.</summary>
    public static OpCode Jump(InstructionClass cls, JumpOp op, OperandSource source) => new((byte)((byte)cls | (byte)op | (byte)source));

    /// <summary>Builds a load or store opcode.</summary>
    public static OpCode Memory(InstructionClass cls, MemoryMode mode, AccessSize size) => new((byte)((byte)cls | (byte)mode | (byte)size));

    /// <summary>Number of bytes an access of <paramref name="size"/> touches.</summary>
    public static int Bytes(AccessSize size) => size switch
    {
        AccessSize.Byte => 1,
        AccessSize.Half => 2,
        AccessSize.Word => 4,
        _ => 8,
    };

    /// <inheritdoc />
    public override string ToString() => $"0x{Value:x2}";
}
