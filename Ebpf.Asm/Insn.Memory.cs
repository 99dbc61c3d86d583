namespace Ebpf.Asm;

public static partial class Insn
{
    /// <summary><c>dst = *(size *)(src + offset)</c>, zero-extending.</summary>
    public static Instruction LoadMem(Register dst, Register src, short offset, AccessSize size) =>
        new(OpCode.Memory(InstructionClass.LdX, MemoryMode.Mem, size), dst, src, offset, 0);

    /// <summary><c>dst = *(s8/s16/s32 *)(src + offset)</c>, sign-extending (ISA v4). There is no 64-bit form.</summary>
    public static Instruction LoadMemSX(Register dst, Register src, short offset, AccessSize size)
    {
        if (size == AccessSize.DWord)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "sign-extending loads take 1, 2 or 4 bytes");
        }

        return new Instruction(OpCode.Memory(InstructionClass.LdX, MemoryMode.MemSX, size), dst, src, offset, 0);
    }

    /// <summary><c>*(size *)(dst + offset) = src</c>.</summary>
    public static Instruction StoreMem(Register dst, short offset, Register src, AccessSize size) =>
        new(OpCode.Memory(InstructionClass.StX, MemoryMode.Mem, size), dst, src, offset, 0);

    /// <summary><c>*(size *)(dst + offset) = value</c>; a 64-bit store sign-extends the immediate.</summary>
    public static Instruction StoreImm(Register dst, short offset, int value, AccessSize size) =>
        new(OpCode.Memory(InstructionClass.St, MemoryMode.Mem, size), dst, Register.R0, offset, value);

    /// <summary>Legacy packet load: <c>r0 = ntoh(*(size *)(skb->data + offset))</c> (BPF_LD | BPF_ABS).</summary>
    public static Instruction LoadAbs(int offset, AccessSize size) =>
        new(OpCode.Memory(InstructionClass.Ld, MemoryMode.Abs, LegacySize(size)), Register.R0, Register.R0, 0, offset);

    /// <summary>Legacy packet load: <c>r0 = ntoh(*(size *)(skb->data + src + offset))</c> (BPF_LD | BPF_IND).</summary>
    public static Instruction LoadInd(Register src, int offset, AccessSize size) =>
        new(OpCode.Memory(InstructionClass.Ld, MemoryMode.Ind, LegacySize(size)), Register.R0, src, 0, offset);

    private static AccessSize LegacySize(AccessSize size) => size != AccessSize.DWord
        ? size
        : throw new ArgumentOutOfRangeException(nameof(size), size, "legacy packet loads take 1, 2 or 4 bytes");
}
