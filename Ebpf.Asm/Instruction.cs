using System.Buffers.Binary;

namespace Ebpf.Asm;

/// <summary>
/// One BPF instruction: opcode, destination and source registers, a 16-bit offset and a constant.
/// The constant is the sign-extended 32-bit immediate, or the full 64-bit value of <c>lddw</c>,
/// which is the only instruction that encodes to two 8-byte slots.
/// </summary>
public readonly struct Instruction : IEquatable<Instruction>
{
    /// <summary>Size in bytes of one instruction slot.</summary>
    public const int SlotSize = 8;

    /// <summary>Creates an instruction.</summary>
    public Instruction(OpCode opCode, Register dst, Register src, short offset, long constant, InstructionMetadata? metadata = null)
    {
        OpCode = opCode;
        Dst = dst;
        Src = src;
        Offset = offset;
        Constant = constant;
        Metadata = metadata;
    }

    /// <summary>The opcode.</summary>
    public OpCode OpCode { get; }

    /// <summary>The destination register (4 bits on the wire).</summary>
    public Register Dst { get; }

    /// <summary>The source register, or a pseudo source for <c>lddw</c> and <c>call</c> (4 bits on the wire).</summary>
    public Register Src { get; }

    /// <summary>The signed 16-bit offset: a jump distance, a memory offset, or a modifier (sdiv, movsx).</summary>
    public short Offset { get; }

    /// <summary>The immediate, sign-extended from 32 bits, or the 64-bit value of <c>lddw</c>.</summary>
    public long Constant { get; }

    /// <summary>Optional symbol, reference and source line; null when there are none.</summary>
    public InstructionMetadata? Metadata { get; }

    /// <summary>The 32-bit immediate as encoded (the low half of <see cref="Constant"/> for <c>lddw</c>).</summary>
    public int Immediate => unchecked((int)Constant);

    /// <summary>Number of 8-byte slots this instruction takes: 2 for <c>lddw</c>, else 1.</summary>
    public int Slots => OpCode.IsLoadImm64 ? 2 : 1;

    /// <summary>Encoded size in bytes.</summary>
    public int Size => Slots * SlotSize;

    /// <summary>The function or label name that starts here, if any.</summary>
    public string? Symbol => Metadata?.Symbol;

    /// <summary>The symbol this instruction refers to, if any.</summary>
    public string? Reference => Metadata?.Reference;

    /// <summary>True for <c>call</c> of a kernel helper.</summary>
    public bool IsHelperCall => OpCode.Class == InstructionClass.Jmp && OpCode.JumpOp == JumpOp.Call && (byte)Src == 0;

    /// <summary>True for a BPF-to-BPF call.</summary>
    public bool IsFunctionCall => OpCode.Class == InstructionClass.Jmp && OpCode.JumpOp == JumpOp.Call && (byte)Src == PseudoSource.Call;

    /// <summary>True for a call of a kernel function (kfunc).</summary>
    public bool IsKfuncCall => OpCode.Class == InstructionClass.Jmp && OpCode.JumpOp == JumpOp.Call && (byte)Src == PseudoSource.KfuncCall;

    /// <summary>True for <c>exit</c>.</summary>
    public bool IsExit => OpCode.Class == InstructionClass.Jmp && OpCode.JumpOp == JumpOp.Exit;

    /// <summary>True for an <c>lddw</c> of a map (by fd or fd array index).</summary>
    public bool IsLoadFromMap => OpCode.IsLoadImm64 && (byte)Src is PseudoSource.MapFd or PseudoSource.MapValue or PseudoSource.MapIndex or PseudoSource.MapIndexValue;

    /// <summary>True for an <c>lddw</c> of a function address (a callback).</summary>
    public bool IsLoadOfFunctionPointer => OpCode.IsLoadImm64 && (byte)Src == PseudoSource.Func;

    /// <summary>True for a jump whose target is <see cref="Offset"/> (or, for <c>gotol</c>, the immediate) slots after the next instruction.</summary>
    public bool IsBranch => OpCode.IsJump && OpCode.JumpOp is not (JumpOp.Call or JumpOp.Exit);

    /// <summary>The helper this instruction calls, when <see cref="IsHelperCall"/>.</summary>
    public Helper Helper => (Helper)Immediate;

    /// <summary>Returns a copy with other metadata.</summary>
    public Instruction WithMetadata(InstructionMetadata? metadata) => new(OpCode, Dst, Src, Offset, Constant, metadata);

    /// <summary>Returns a copy whose <see cref="InstructionMetadata.Symbol"/> is <paramref name="symbol"/>.</summary>
    public Instruction WithSymbol(string? symbol) => WithMetadata((Metadata ?? Empty) with { Symbol = symbol });

    /// <summary>Returns a copy whose <see cref="InstructionMetadata.Reference"/> is <paramref name="reference"/>.</summary>
    public Instruction WithReference(string? reference) => WithMetadata((Metadata ?? Empty) with { Reference = reference });

    /// <summary>Returns a copy whose <see cref="InstructionMetadata.Source"/> is <paramref name="source"/>.</summary>
    public Instruction WithSource(SourceLine? source) => WithMetadata((Metadata ?? Empty) with { Source = source });

    /// <summary>Returns a copy with another offset.</summary>
    public Instruction WithOffset(short offset) => new(OpCode, Dst, Src, offset, Constant, Metadata);

    /// <summary>Returns a copy with another constant.</summary>
    public Instruction WithConstant(long constant) => new(OpCode, Dst, Src, Offset, constant, Metadata);

    /// <summary>Returns a copy with another source register (pseudo source).</summary>
    public Instruction WithSrc(Register src) => new(OpCode, Dst, src, Offset, Constant, Metadata);

    private static readonly InstructionMetadata Empty = new();

    /// <summary>
    /// Decodes one instruction from the start of <paramref name="bytes"/>.
    /// </summary>
    /// <returns>The number of bytes consumed (8 or 16).</returns>
    /// <exception cref="InstructionFormatException">The bytes are truncated or an <c>lddw</c> is malformed.</exception>
    public static int Decode(ReadOnlySpan<byte> bytes, ByteOrder order, out Instruction instruction)
    {
        if (!TryDecode(bytes, order, out instruction, out int consumed, out string? error))
        {
            throw new InstructionFormatException(error!);
        }

        return consumed;
    }

    /// <summary>Decodes one instruction without throwing.</summary>
    /// <returns>False with a reason when the bytes are truncated or malformed.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, ByteOrder order, out Instruction instruction, out int consumed, out string? error)
    {
        instruction = default;
        consumed = 0;
        if (bytes.Length < SlotSize)
        {
            error = $"truncated instruction: {bytes.Length} bytes left, need {SlotSize}";
            return false;
        }

        var op = new OpCode(bytes[0]);
        byte regs = bytes[1];
        Register dst, src;
        short offset;
        int imm;
        if (order == ByteOrder.BigEndian)
        {
            dst = (Register)(regs >> 4);
            src = (Register)(regs & 0x0f);
            offset = BinaryPrimitives.ReadInt16BigEndian(bytes.Slice(2));
            imm = BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(4));
        }
        else
        {
            dst = (Register)(regs & 0x0f);
            src = (Register)(regs >> 4);
            offset = BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(2));
            imm = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(4));
        }

        if (!op.IsLoadImm64)
        {
            instruction = new Instruction(op, dst, src, offset, imm);
            consumed = SlotSize;
            error = null;
            return true;
        }

        if (bytes.Length < 2 * SlotSize)
        {
            error = "truncated lddw: the second slot is missing";
            return false;
        }

        ReadOnlySpan<byte> second = bytes.Slice(SlotSize, SlotSize);
        if (second[0] != 0 || second[1] != 0 || second[2] != 0 || second[3] != 0)
        {
            error = "malformed lddw: opcode, registers and offset of the second slot must be zero";
            return false;
        }

        uint hi = order == ByteOrder.BigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(second.Slice(4))
            : BinaryPrimitives.ReadUInt32LittleEndian(second.Slice(4));
        long constant = (long)(((ulong)hi << 32) | (uint)imm);
        instruction = new Instruction(op, dst, src, offset, constant);
        consumed = 2 * SlotSize;
        error = null;
        return true;
    }

    /// <summary>Encodes this instruction into <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written (8 or 16).</returns>
    /// <exception cref="InstructionFormatException">A register or constant does not fit its field, or the destination is too small.</exception>
    public int Encode(Span<byte> destination, ByteOrder order)
    {
        int size = Size;
        if (destination.Length < size)
        {
            throw new InstructionFormatException($"destination holds {destination.Length} bytes, the instruction needs {size}");
        }

        if ((byte)Dst > 0x0f || (byte)Src > 0x0f)
        {
            throw new InstructionFormatException($"register out of range: dst {(byte)Dst}, src {(byte)Src}");
        }

        if (!OpCode.IsLoadImm64 && Constant != Immediate)
        {
            throw new InstructionFormatException($"constant {Constant} does not fit the 32-bit immediate of opcode {OpCode}");
        }

        destination[0] = OpCode.Value;
        if (order == ByteOrder.BigEndian)
        {
            destination[1] = (byte)(((byte)Dst << 4) | (byte)Src);
            BinaryPrimitives.WriteInt16BigEndian(destination.Slice(2), Offset);
            BinaryPrimitives.WriteInt32BigEndian(destination.Slice(4), Immediate);
        }
        else
        {
            destination[1] = (byte)(((byte)Src << 4) | (byte)Dst);
            BinaryPrimitives.WriteInt16LittleEndian(destination.Slice(2), Offset);
            BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(4), Immediate);
        }

        if (size == 2 * SlotSize)
        {
            Span<byte> second = destination.Slice(SlotSize, SlotSize);
            second.Slice(0, 4).Clear();
            int hi = (int)(Constant >> 32);
            if (order == ByteOrder.BigEndian)
            {
                BinaryPrimitives.WriteInt32BigEndian(second.Slice(4), hi);
            }
            else
            {
                BinaryPrimitives.WriteInt32LittleEndian(second.Slice(4), hi);
            }
        }

        return size;
    }

    /// <summary>Compares encoding-relevant fields; metadata is ignored.</summary>
    public bool Equals(Instruction other) =>
        OpCode == other.OpCode && Dst == other.Dst && Src == other.Src && Offset == other.Offset && Constant == other.Constant;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Instruction other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(OpCode.Value, Dst, Src, Offset, Constant);

    /// <summary>Equality of the encoded fields.</summary>
    public static bool operator ==(Instruction left, Instruction right) => left.Equals(right);

    /// <summary>Inequality of the encoded fields.</summary>
    public static bool operator !=(Instruction left, Instruction right) => !left.Equals(right);

    /// <summary>The instruction in the kernel verifier's syntax, e.g. <c>r0 = 0</c>.</summary>
    public override string ToString() => InstructionFormatter.Format(this);
}
