using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>Hand-encoded test programs and maps for the kernel tests.</summary>
internal static unsafe class KernelPrograms
{
    public static Instruction MovR0(int value) =>
        new(OpCode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.Constant), Register.R0, Register.R0, 0, value);

    public static Instruction Exit() =>
        new(OpCode.Jump(InstructionClass.Jmp, JumpOp.Exit, OperandSource.Constant), Register.R0, Register.R0, 0, 0);

    public static byte[] Encode(params Instruction[] instructions)
    {
        var code = new byte[instructions.Length * Instruction.SlotSize];
        int offset = 0;
        foreach (var insn in instructions)
        {
            offset += insn.Encode(code.AsSpan(offset), ByteOrder.LittleEndian);
        }

        return code;
    }

    /// <summary>Loads a socket filter; <paramref name="log"/> (if any) receives the verifier log.</summary>
    public static BpfFileDescriptor LoadSocketFilter(IBpfSyscalls sys, byte[] code, byte[]? log = null, string name = "test_prog", uint logLevel = 1) =>
        LoadProgram(sys, BpfProgramType.SocketFilter, code, log, name, logLevel);

    /// <summary>Loads a program of <paramref name="type"/>.</summary>
    public static BpfFileDescriptor LoadProgram(IBpfSyscalls sys, BpfProgramType type, byte[] code, byte[]? log = null, string name = "test_prog",
        uint logLevel = 1, BpfAttachType expectedAttachType = 0, uint attachBtfId = 0)
    {
        fixed (byte* insns = code)
        fixed (byte* license = "GPL\0"u8)
        fixed (byte* logBuf = log)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = type,
                ExpectedAttachType = expectedAttachType,
                AttachBtfId = attachBtfId,
                InsnCnt = (uint)(code.Length / Instruction.SlotSize),
                Insns = (ulong)insns,
                License = (ulong)license,
                ProgName = BpfObjectName.From(name),
            };
            if (log is not null)
            {
                attr.LogLevel = logLevel;
                attr.LogSize = (uint)log.Length;
                attr.LogBuf = (ulong)logBuf;
            }

            return sys.ProgLoad(ref attr);
        }
    }

    public static BpfFileDescriptor CreateMap(IBpfSyscalls sys, BpfMapType type, uint keySize, uint valueSize, uint maxEntries,
        BpfMapFlags flags = BpfMapFlags.None, string? name = null)
    {
        var attr = new MapCreateAttr { MapType = type, KeySize = keySize, ValueSize = valueSize, MaxEntries = maxEntries, MapFlags = flags };
        if (name is not null)
        {
            attr.MapName = BpfObjectName.From(name);
        }

        try
        {
            return sys.MapCreate(attr);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL)
        {
            // A map type newer than the kernel (user ring buffer before 6.1) is refused with a bare EINVAL: the probe names it.
            KernelRefusal.Require($"map type {type}", () => Features.Default.HaveMapType(type));
            throw;
        }
    }

    public static MapInfo MapInfoOf(IBpfSyscalls sys, BpfFileDescriptor fd)
    {
        MapInfo info = default;
        var attr = new ObjGetInfoAttr { BpfFd = (uint)fd.DangerousGetFd(), InfoLen = (uint)sizeof(MapInfo), Info = (ulong)&info };
        sys.ObjGetInfoByFd(ref attr);
        return info;
    }

    public static ProgInfo ProgInfoOf(IBpfSyscalls sys, BpfFileDescriptor fd)
    {
        ProgInfo info = default;
        var attr = new ObjGetInfoAttr { BpfFd = (uint)fd.DangerousGetFd(), InfoLen = (uint)sizeof(ProgInfo), Info = (ulong)&info };
        sys.ObjGetInfoByFd(ref attr);
        return info;
    }
}
