using System.Buffers.Binary;
using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using static Ebpf.Asm.Register;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// A sleepable BPF_PROG_TYPE_SYSCALL program, built with Ebpf.Asm, that drains a user ring buffer with
/// bpf_user_ringbuf_drain. Each sample must start with <c>u32 seq; u32 length</c> (its own length) and end with a
/// <c>u64</c> marker; the callback reads both ends with bpf_dynptr_read and sums them. The callback needs BTF
/// func info (static linkage), so a minimal BTF blob is loaded with it.
/// </summary>
internal sealed unsafe class UserRingBufferDrainer : IDisposable
{
    private const uint SleepableFlag = 1 << 4;

    private readonly IBpfSyscalls _sys;
    private readonly BpfFileDescriptor _btf;
    private readonly BpfFileDescriptor _program;

    public UserRingBufferDrainer(IBpfSyscalls sys, BpfFileDescriptor userRingBuffer)
    {
        this._sys = sys;
        _btf = LoadBtf(sys);
        var insns = Build(userRingBuffer.DangerousGetFd());
        insns.ResolveReferences();
        byte[] code = insns.Encode(ByteOrder.LittleEndian);
        uint callback = (uint)insns.SymbolOffsets()["cb"];
        uint[] funcInfo = [0, 6, callback, 4];
        var log = new byte[1 << 20];
        fixed (byte* codePtr = code)
        fixed (byte* license = "GPL\0"u8)
        fixed (byte* logPtr = log)
        fixed (uint* funcInfoPtr = funcInfo)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = BpfProgramType.Syscall,
                ProgFlags = SleepableFlag,
                InsnCnt = (uint)(code.Length / Instruction.SlotSize),
                Insns = (ulong)codePtr,
                License = (ulong)license,
                ProgName = BpfObjectName.From("drain"),
                LogLevel = 1,
                LogSize = (uint)log.Length,
                LogBuf = (ulong)logPtr,
                ProgBtfFd = (uint)_btf.DangerousGetFd(),
                FuncInfoRecSize = 8,
                FuncInfo = (ulong)funcInfoPtr,
                FuncInfoCnt = 2,
            };
            _program = sys.ProgLoad(ref attr);
        }
    }

    /// <summary>What one drain saw.</summary>
    public readonly record struct Result(long Drained, ulong Count, ulong SequenceSum, ulong MarkerSum, ulong Errors);

    /// <summary>Runs the program once: it drains every committed sample.</summary>
    public Result Drain()
    {
        var ctx = new byte[40];
        fixed (byte* ctxPtr = ctx)
        {
            var attr = new ProgTestRunAttr { ProgFd = (uint)_program.DangerousGetFd(), CtxIn = (ulong)ctxPtr, CtxSizeIn = (uint)ctx.Length };
            _sys.ProgTestRun(ref attr);
        }

        return new Result(
            BinaryPrimitives.ReadInt64LittleEndian(ctx),
            BinaryPrimitives.ReadUInt64LittleEndian(ctx.AsSpan(8)),
            BinaryPrimitives.ReadUInt64LittleEndian(ctx.AsSpan(16)),
            BinaryPrimitives.ReadUInt64LittleEndian(ctx.AsSpan(24)),
            BinaryPrimitives.ReadUInt64LittleEndian(ctx.AsSpan(32)));
    }

    /// <summary>Fills a sample as the program expects it.</summary>
    public static void Fill(Span<byte> sample, uint sequence, ulong marker)
    {
        sample.Fill(0x5a);
        BinaryPrimitives.WriteUInt32LittleEndian(sample, sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(sample[4..], (uint)sample.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(sample[^8..], marker);
    }

    public void Dispose()
    {
        _program.Dispose();
        _btf.Dispose();
    }

    private static Instructions Build(int mapFd) =>
    [
        // main(ctx): drain with a 32-byte stack context {count, seq_sum, marker_sum, errors}, copy results to ctx.
        Insn.Mov.Reg(R6, R1),
        Insn.StoreImm(R10, -8, 0, AccessSize.DWord),
        Insn.StoreImm(R10, -16, 0, AccessSize.DWord),
        Insn.StoreImm(R10, -24, 0, AccessSize.DWord),
        Insn.StoreImm(R10, -32, 0, AccessSize.DWord),
        Insn.LoadMapPtr(R1, mapFd),
        Insn.LoadFunctionPointer(R2, "cb"),
        Insn.Mov.Reg(R3, R10),
        Insn.Add.Imm(R3, -32),
        Insn.Mov.Imm(R4, 0),
        Insn.Call(Helper.UserRingbufDrain),
        Insn.StoreMem(R6, 0, R0, AccessSize.DWord),
        Insn.LoadMem(R1, R10, -32, AccessSize.DWord),
        Insn.StoreMem(R6, 8, R1, AccessSize.DWord),
        Insn.LoadMem(R1, R10, -24, AccessSize.DWord),
        Insn.StoreMem(R6, 16, R1, AccessSize.DWord),
        Insn.LoadMem(R1, R10, -16, AccessSize.DWord),
        Insn.StoreMem(R6, 24, R1, AccessSize.DWord),
        Insn.LoadMem(R1, R10, -8, AccessSize.DWord),
        Insn.StoreMem(R6, 32, R1, AccessSize.DWord),
        Insn.Mov.Imm(R0, 0),
        Insn.Exit(),

        // cb(dynptr, ctx): read the first and last 8 bytes of the sample.
        Insn.Mov.Reg(R6, R1).WithSymbol("cb"),
        Insn.Mov.Reg(R7, R2),
        Insn.Mov.Reg(R1, R10),
        Insn.Add.Imm(R1, -8),
        Insn.Mov.Imm(R2, 8),
        Insn.Mov.Reg(R3, R6),
        Insn.Mov.Imm(R4, 0),
        Insn.Mov.Imm(R5, 0),
        Insn.Call(Helper.DynptrRead),
        Insn.JNE.Imm(R0, 0, "error"),
        Insn.LoadMem(R8, R10, -8, AccessSize.Word),
        Insn.LoadMem(R9, R10, -4, AccessSize.Word),
        Insn.LoadMem(R1, R7, 0, AccessSize.DWord),
        Insn.Add.Imm(R1, 1),
        Insn.StoreMem(R7, 0, R1, AccessSize.DWord),
        Insn.LoadMem(R1, R7, 8, AccessSize.DWord),
        Insn.Add.Reg(R1, R8),
        Insn.StoreMem(R7, 8, R1, AccessSize.DWord),
        Insn.Mov.Reg(R1, R10),
        Insn.Add.Imm(R1, -16),
        Insn.Mov.Imm(R2, 8),
        Insn.Mov.Reg(R3, R6),
        Insn.Mov.Reg(R4, R9),
        Insn.Add.Imm(R4, -8),
        Insn.Mov.Imm(R5, 0),
        Insn.Call(Helper.DynptrRead),
        Insn.JNE.Imm(R0, 0, "error"),
        Insn.LoadMem(R1, R10, -16, AccessSize.DWord),
        Insn.LoadMem(R2, R7, 16, AccessSize.DWord),
        Insn.Add.Reg(R2, R1),
        Insn.StoreMem(R7, 16, R2, AccessSize.DWord),
        Insn.Mov.Imm(R0, 0),
        Insn.Exit(),
        Insn.LoadMem(R1, R7, 24, AccessSize.DWord).WithSymbol("error"),
        Insn.Add.Imm(R1, 1),
        Insn.StoreMem(R7, 24, R1, AccessSize.DWord),
        Insn.Mov.Imm(R0, 0),
        Insn.Exit(),
    ];

    /// <summary>
    /// BTF with: [1] long, [2] void *, [3] long(void *dynptr, void *ctx), [4] static cb, [5] long(void *ctx), [6] global drain.
    /// </summary>
    private static BpfFileDescriptor LoadBtf(IBpfSyscalls sys)
    {
        byte[] strings = "\0long\0cb\0dynptr\0ctx\0drain\0"u8.ToArray();
        uint[] types =
        [
            1, 1u << 24, 8, (1u << 24) | 64,
            0, 2u << 24, 0,
            0, (13u << 24) | 2, 1, 9, 2, 16, 2,
            6, 12u << 24, 3,
            0, (13u << 24) | 1, 1, 16, 2,
            20, (12u << 24) | 1, 5,
        ];
        int typeLength = types.Length * 4;
        var blob = new byte[24 + typeLength + strings.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(blob, 0xeb9f);
        blob[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)strings.Length);
        for (int i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(24 + (i * 4)), types[i]);
        }

        strings.CopyTo(blob, 24 + typeLength);
        var log = new byte[64 * 1024];
        fixed (byte* blobPtr = blob)
        fixed (byte* logPtr = log)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)blobPtr, BtfSize = (uint)blob.Length, BtfLogBuf = (ulong)logPtr, BtfLogSize = (uint)log.Length, BtfLogLevel = 1 };
            return sys.BtfLoad(ref attr);
        }
    }
}
