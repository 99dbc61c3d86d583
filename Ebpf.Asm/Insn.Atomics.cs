namespace Ebpf.Asm;

public static partial class Insn
{
    /// <summary>
    /// Any atomic operation: STX | ATOMIC | <paramref name="size"/> with <paramref name="op"/> in the immediate,
    /// on the memory at <c>dst + offset</c> with operand <paramref name="src"/>.
    /// </summary>
    public static Instruction Atomic(AtomicOp op, Register dst, short offset, Register src, AccessSize size)
    {
        bool ordered = op is AtomicOp.LoadAcquire or AtomicOp.StoreRelease;
        if (!ordered && size is not (AccessSize.Word or AccessSize.DWord))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "read-modify-write atomics take 4 or 8 bytes");
        }

        return new Instruction(OpCode.Memory(InstructionClass.StX, MemoryMode.Atomic, size), dst, src, offset, (int)op);
    }

    /// <summary><c>lock *(u64 *)(dst + offset) += src</c>.</summary>
    public static Instruction AtomicAdd(Register dst, short offset, Register src) => Atomic(AtomicOp.Add, dst, offset, src, AccessSize.DWord);

    /// <summary><c>lock *(u32 *)(dst + offset) += wsrc</c>.</summary>
    public static Instruction AtomicAdd32(Register dst, short offset, Register src) => Atomic(AtomicOp.Add, dst, offset, src, AccessSize.Word);

    /// <summary><c>lock *(u64 *)(dst + offset) &amp;= src</c>.</summary>
    public static Instruction AtomicAnd(Register dst, short offset, Register src) => Atomic(AtomicOp.And, dst, offset, src, AccessSize.DWord);

    /// <summary><c>lock *(u32 *)(dst + offset) &amp;= wsrc</c>.</summary>
    public static Instruction AtomicAnd32(Register dst, short offset, Register src) => Atomic(AtomicOp.And, dst, offset, src, AccessSize.Word);

    /// <summary><c>lock *(u64 *)(dst + offset) |= src</c>.</summary>
    public static Instruction AtomicOr(Register dst, short offset, Register src) => Atomic(AtomicOp.Or, dst, offset, src, AccessSize.DWord);

    /// <summary><c>lock *(u32 *)(dst + offset) |= wsrc</c>.</summary>
    public static Instruction AtomicOr32(Register dst, short offset, Register src) => Atomic(AtomicOp.Or, dst, offset, src, AccessSize.Word);

    /// <summary><c>lock *(u64 *)(dst + offset) ^= src</c>.</summary>
    public static Instruction AtomicXor(Register dst, short offset, Register src) => Atomic(AtomicOp.Xor, dst, offset, src, AccessSize.DWord);

    /// <summary><c>lock *(u32 *)(dst + offset) ^= wsrc</c>.</summary>
    public static Instruction AtomicXor32(Register dst, short offset, Register src) => Atomic(AtomicOp.Xor, dst, offset, src, AccessSize.Word);

    /// <summary><c>src = atomic_fetch_add((u64 *)(dst + offset), src)</c>.</summary>
    public static Instruction AtomicFetchAdd(Register dst, short offset, Register src) => Atomic(AtomicOp.FetchAdd, dst, offset, src, AccessSize.DWord);

    /// <summary><c>wsrc = atomic_fetch_add((u32 *)(dst + offset), wsrc)</c>.</summary>
    public static Instruction AtomicFetchAdd32(Register dst, short offset, Register src) => Atomic(AtomicOp.FetchAdd, dst, offset, src, AccessSize.Word);

    /// <summary><c>src = atomic_fetch_and((u64 *)(dst + offset), src)</c>.</summary>
    public static Instruction AtomicFetchAnd(Register dst, short offset, Register src) => Atomic(AtomicOp.FetchAnd, dst, offset, src, AccessSize.DWord);

    /// <summary><c>wsrc = atomic_fetch_and((u32 *)(dst + offset), wsrc)</c>.</summary>
    public static Instruction AtomicFetchAnd32(Register dst, short offset, Register src) => Atomic(AtomicOp.FetchAnd, dst, offset, src, AccessSize.Word);

    /// <summary><c>src = atomic_fetch_or((u64 *)(dst + offset), src)</c>.</summary>
    public static Instruction AtomicFetchOr(Register dst, short offset, Register src) => Atomic(AtomicOp.FetchOr, dst, offset, src, AccessSize.DWord);

    /// <summary><c>wsrc = atomic_fetch_or((u32 *)(dst + offset), wsrc)</c>.</summary>
    public static Instruction AtomicFetchOr32(Register dst, short offset, Register src) => Atomic(AtomicOp.FetchOr, dst, offset, src, AccessSize.Word);

    /// <summary><c>src = atomic_fetch_xor((u64 *)(dst + offset), src)</c>.</summary>
    public static Instruction AtomicFetchXor(Register dst, short offset, Register src) => Atomic(AtomicOp.FetchXor, dst, offset, src, AccessSize.DWord);

    /// <summary><c>wsrc = atomic_fetch_xor((u32 *)(dst + offset), wsrc)</c>.</summary>
    public static Instruction AtomicFetchXor32(Register dst, short offset, Register src) => Atomic(AtomicOp.FetchXor, dst, offset, src, AccessSize.Word);

    /// <summary><c>src = xchg_64(dst + offset, src)</c>.</summary>
    public static Instruction AtomicXchg(Register dst, short offset, Register src) => Atomic(AtomicOp.Xchg, dst, offset, src, AccessSize.DWord);

    /// <summary><c>wsrc = xchg32_32(dst + offset, wsrc)</c>.</summary>
    public static Instruction AtomicXchg32(Register dst, short offset, Register src) => Atomic(AtomicOp.Xchg, dst, offset, src, AccessSize.Word);

    /// <summary><c>r0 = cmpxchg_64(dst + offset, r0, src)</c>.</summary>
    public static Instruction AtomicCmpXchg(Register dst, short offset, Register src) => Atomic(AtomicOp.CmpXchg, dst, offset, src, AccessSize.DWord);

    /// <summary><c>w0 = cmpxchg32_32(dst + offset, w0, wsrc)</c>.</summary>
    public static Instruction AtomicCmpXchg32(Register dst, short offset, Register src) => Atomic(AtomicOp.CmpXchg, dst, offset, src, AccessSize.Word);

    /// <summary><c>dst = load_acquire((size *)(src + offset))</c> (STX | ATOMIC, imm 0x100).</summary>
    public static Instruction LoadAcquire(Register dst, Register src, short offset, AccessSize size) =>
        Atomic(AtomicOp.LoadAcquire, dst, offset, src, size);

    /// <summary><c>store_release((size *)(dst + offset), src)</c> (STX | ATOMIC, imm 0x110).</summary>
    public static Instruction StoreRelease(Register dst, short offset, Register src, AccessSize size) =>
        Atomic(AtomicOp.StoreRelease, dst, offset, src, size);
}
