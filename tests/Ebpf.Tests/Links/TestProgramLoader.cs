using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Tests.Kernel;

namespace Ebpf.Tests.Links;

/// <summary>
/// Test programs for the link tests: each one increments the u64 at key 0 of a one-element array map (the
/// <see cref="Counter"/>) and returns a fixed value, so a test sees that the hook fired by reading the map.
/// </summary>
internal sealed unsafe class TestProgramLoader : IDisposable
{
    public static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    public TestProgramLoader()
    {
        Counter = Sys.MapCreate(new MapCreateAttr { MapType = BpfMapType.Array, KeySize = 4, ValueSize = 8, MaxEntries = 1 });
    }

    /// <summary>The array map the programs count in.</summary>
    public BpfFileDescriptor Counter { get; }

    /// <summary>The counter's value.</summary>
    public ulong Count
    {
        get
        {
            uint key = 0;
            ulong value = 0;
            Sys.MapLookupElem(new MapElemAttr { MapFd = (uint)Counter.DangerousGetFd(), Key = (ulong)&key, Value = (ulong)&value });
            return value;
        }
    }

    /// <summary>The instructions that look up the counter's slot 0: R0 holds its address, or the code jumps to <c>out</c> when null.</summary>
    private Instruction[] CounterLookup() =>
    [
        Insn.StoreImm(Register.R10, -4, 0, AccessSize.Word),
        Insn.LoadMapPtr(Register.R1, Counter.DangerousGetFd()),
        Insn.Mov.Reg(Register.R2, Register.R10),
        Insn.Add.Imm(Register.R2, -4),
        Insn.Call(Helper.MapLookupElem),
        Insn.JEq.Imm(Register.R0, 0, "out"),
    ];

    /// <summary>The instructions that increment the counter, then return <paramref name="result"/>.</summary>
    public Instructions CountingCode(int result = 0) =>
    [
        .. CounterLookup(),
        Insn.Mov.Imm(Register.R1, 1),
        Insn.AtomicAdd(Register.R0, 0, Register.R1),
        Insn.Mov.Imm(Register.R0, result).WithSymbol("out"),
        Insn.Exit(),
    ];

    /// <summary>The instructions that store <c>bpf_get_attach_cookie(ctx)</c> in the counter instead of counting, then return 0.</summary>
    public Instructions CookieCode() =>
    [
        Insn.Call(Helper.GetAttachCookie),
        Insn.Mov.Reg(Register.R7, Register.R0),
        .. CounterLookup(),
        Insn.StoreMem(Register.R0, 0, Register.R7, AccessSize.DWord),
        Insn.Mov.Imm(Register.R0, 0).WithSymbol("out"),
        Insn.Exit(),
    ];

    /// <summary>Loads a counting program.</summary>
    public Program Load(BpfProgramType type, int result = 0, BpfAttachType expectedAttachType = 0, uint attachBtfId = 0,
        string name = "count") =>
        LoadCode(type, CountingCode(result), expectedAttachType, attachBtfId, name);

    /// <summary>Loads <paramref name="code"/>.</summary>
    public static Program LoadCode(BpfProgramType type, Instructions code, BpfAttachType expectedAttachType = 0, uint attachBtfId = 0,
        string name = "count") =>
        new(KernelPrograms.LoadProgram(Sys, type, code.Encode(ByteOrder.LittleEndian), new byte[1 << 16], name, logLevel: 1, expectedAttachType, attachBtfId),
            name, type, Sys);

    /// <summary>The kernel id of a program.</summary>
    public static uint ProgramId(Program program)
    {
        ProgInfo info = default;
        var attr = new ObjGetInfoAttr { BpfFd = (uint)program.FileDescriptor.DangerousGetFd(), InfoLen = (uint)sizeof(ProgInfo), Info = (ulong)&info };
        Sys.ObjGetInfoByFd(ref attr);
        return info.Id;
    }

    /// <summary>Waits up to a second for the counter to pass <paramref name="before"/>; returns the last value.</summary>
    public ulong WaitAbove(ulong before, Action trigger)
    {
        for (int i = 0; i < 100; i++)
        {
            trigger();
            ulong now = Count;
            if (now > before)
            {
                return now;
            }

            Thread.Sleep(10);
        }

        return Count;
    }

    public void Dispose() => Counter.Dispose();
}
