using System.Runtime.InteropServices;
using System.Text.Json;
using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

[Category("Kernel")]
public sealed class ProgramKernelTests
{
    private static ProgramSpec Spec(string name, BpfProgramType type, params Instruction[] instructions) =>
        new() { Name = name, Type = type, Instructions = new Instructions(instructions) };

    [Test]
    public void SocketFilterLoadsAndTestRuns()
    {
        using var program = Program.Load(Spec("seven", BpfProgramType.SocketFilter, Insn.Mov.Imm(Register.R0, 7), Insn.Exit()));
        var result = program.TestRun(new byte[64]);
        Assert.That(result.ReturnValue, Is.EqualTo(7u));
        Assert.That(program.Name, Is.EqualTo("seven"));
        Assert.That(program.Info().Name, Is.EqualTo("seven"));
    }

    [Test]
    public void FentryRefusedAsRootIsNotBlamedOnCapabilities()
    {
        var spec = Spec("fentry_eperm", BpfProgramType.Tracing, Insn.Mov.Imm(Register.R0, 0), Insn.Exit()) with
        {
            AttachType = BpfAttachType.TraceFentry,
            AttachTo = "bpf_fentry_test1",
            License = "GPL",
        };
        try
        {
            using var program = Program.Load(spec);
            Assert.Pass("this kernel has BPF trampolines: nothing to explain");
        }
        catch (EbpfPermissionException e)
        {
            // A root test process has the capabilities, so the message names what else refused it (lockdown, no
            // trampolines, ...) instead of the capability hint.
            Assert.That(e.Message, Does.Contain("program 'fentry_eperm'").And.Contain("BPF_TRACE_FENTRY program: refused although").And.Contain(" effective"));
            Assert.That(e.Message, Does.Not.Contain(EbpfPermissionException.Hint));
        }
    }

    [Test]
    public void XdpProgramFromElfRunsWithDataInAndOut()
    {
        using var program = Program.Load(ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp));
        var packet = new byte[64];
        var output = new byte[64];
        var pass = program.TestRun(new ProgramTestRunOptions { Data = packet, DataOut = output, Repeat = 3 });
        packet[0] = 0x42;
        var drop = program.TestRun(packet, output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(pass.ReturnValue, Is.EqualTo(2u), "XDP_PASS");
            Assert.That(drop.ReturnValue, Is.EqualTo(1u), "XDP_DROP");
            Assert.That(drop.DataOutLength, Is.EqualTo(64));
            Assert.That(output[0], Is.EqualTo(0x42));
        }
    }

    [Test]
    public void FuncAndLineInfoAreLoaded()
    {
        using var program = Program.Load(ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp));
        var info = program.Info();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info.BtfId, Is.Not.Zero);
            Assert.That(info.FuncInfoCount, Is.EqualTo(1u));
            Assert.That(info.LineInfoCount, Is.GreaterThan(1u));
        }

        string dump = ExternalTool.Run("bpftool", "prog", "dump", "xlated", "id", info.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(dump, Does.Contain("int xdp_good(struct xdp_md * ctx):"));
        Assert.That(dump, Does.Contain("; if (data + 4 > data_end)"));
    }

    [Test]
    public void VerifierFailureSummaryNamesTheSourceLine()
    {
        var spec = ElfProgramSpecs.Section("verifier_fail", "tc", BpfProgramType.SchedCls);
        var e = Assert.Throws<EbpfVerifierException>(() => Program.Load(spec))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Errno, Is.EqualTo(Errno.EACCES));
            Assert.That(e.Message, Does.StartWith("program 'tc_unchecked' (tc): BPF_PROG_LOAD failed: Permission denied (EACCES): invalid access to packet"));
            Assert.That(e.Message, Does.Contain("at insn 1: (61) r0 = *(u32 *)(r1 +100)"));
            Assert.That(e.Message, Does.Contain("source: return *(volatile int *)(data + 100) & 1; @ verifier_fail.bpf.c:11"));
            Assert.That(e.Message, Does.Not.Contain("processed "));
            Assert.That(e.Log, Does.Contain("processed "));
            Assert.That(e.Summary, Is.Not.Null);
        }
    }

    [Test]
    public void CorePoisonIsReportedAsBadRelocation()
    {
        var good = ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp);
        var instructions = new Instructions(good.Instructions);
        var first = instructions[0];
        instructions[0] = first.WithSymbol(null);
        var poison = Insn.Call((Helper)0xbad2310)
            .WithSymbol(first.Symbol)
            .WithSource(new SourceLine("core.bpf.c", "pid = BPF_CORE_READ(task, pid);", 42, 8));
        instructions.Insert(0, poison);
        var e = Assert.Throws<EbpfVerifierException>(() => Program.Load(good with { Instructions = instructions }))!;
        Assert.That(e.Message, Does.Contain("bad CO-RE relocation"));
        Assert.That(e.Message, Does.Contain("pid = BPF_CORE_READ(task, pid); @ core.bpf.c:42"));
    }

    [Test]
    public void MapReferencesArePatched()
    {
        using var map = KernelPrograms.CreateMap(LinuxBpfSyscalls.Instance, BpfMapType.Array, 4, 8, 1, name: "counter");
        var spec = Spec("map_user", BpfProgramType.SocketFilter,
            Insn.LoadMapValue(Register.R1, "counter", 0),
            Insn.Mov.Imm(Register.R2, 5),
            Insn.StoreMem(Register.R1, 0, Register.R2, AccessSize.DWord),
            Insn.LoadMapPtr(Register.R1, "counter"),
            Insn.Mov.Imm(Register.R0, 0),
            Insn.Exit());
        using var program = Program.Load(spec, new ProgramLoadOptions { Maps = new Dictionary<string, BpfFileDescriptor> { ["counter"] = map } });
        program.TestRun(new byte[32]);
        var mapId = KernelPrograms.MapInfoOf(LinuxBpfSyscalls.Instance, map).Id;
        Assert.That(program.Info().MapIds, Is.EqualTo(new[] { mapId }));
    }

    [Test]
    public void UnresolvedMapThrows()
    {
        var spec = Spec("no_map", BpfProgramType.SocketFilter, Insn.LoadMapPtr(Register.R1, "missing"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit());
        var e = Assert.Throws<EbpfException>(() => Program.Load(spec))!;
        Assert.That(e.Message, Does.Contain("'missing'"));
    }

    [Test]
    public void LogLevelKeepsTheLogOfASuccessfulLoad()
    {
        using var program = Program.Load(
            Spec("logged", BpfProgramType.SocketFilter, Insn.Mov.Imm(Register.R0, 0), Insn.Exit()),
            new ProgramLoadOptions { LogLevel = VerifierLogLevel.Statistics });
        Assert.That(program.VerifierLog, Does.Contain("processed 2 insns"));
    }

    [Test]
    public void NameWithInvalidCharactersIsSanitized()
    {
        using var program = Program.Load(Spec("a-very-long-name:with/odd.chars", BpfProgramType.SocketFilter, Insn.Mov.Imm(Register.R0, 0), Insn.Exit()));
        Assert.That(program.Info().Name, Is.EqualTo("averylongnamewi"));
    }

    [Test]
    public void TpBtfResolvesTheAttachBtfId()
    {
        var spec = Spec("tp_btf_switch", BpfProgramType.Tracing, Insn.Mov.Imm(Register.R0, 0), Insn.Exit()) with
        {
            AttachType = BpfAttachType.TraceRawTp,
            AttachTo = "sched_switch",
        };
        using var program = Program.Load(spec);
        var expected = Ebpf.Btf.KernelBtf.Shared.Vmlinux.FindIds("btf_trace_sched_switch", Ebpf.Btf.BtfKind.Typedef)[0];
        // bpf_prog_info.attach_btf_id came in Linux 6.0: an older kernel's info (its info_len) ends before it, and the SDK reports 0.
        bool reported = KernelProgInfoLength(program) >= Marshal.OffsetOf<ProgInfo>(nameof(ProgInfo.AttachBtfId)) + sizeof(uint);
        Assert.That(program.Info().AttachBtfId, Is.EqualTo(reported ? expected : 0u));
    }

    /// <summary>How much of <c>struct bpf_prog_info</c> the kernel filled in for <paramref name="program"/> (its size in the kernel's uapi).</summary>
    private static unsafe int KernelProgInfoLength(Program program)
    {
        ProgInfo info = default;
        var attr = new ObjGetInfoAttr { BpfFd = (uint)program.FileDescriptor.DangerousGetFd(), InfoLen = (uint)sizeof(ProgInfo), Info = (ulong)&info };
        LinuxBpfSyscalls.Instance.ObjGetInfoByFd(ref attr);
        return (int)attr.InfoLen;
    }

    [Test]
    public void KfuncCallsResolveInVmlinux()
    {
        var spec = Spec("kfunc_user", BpfProgramType.Tracing,
            Insn.CallKfunc("bpf_rcu_read_lock"),
            Insn.CallKfunc("bpf_rcu_read_unlock"),
            Insn.Mov.Imm(Register.R0, 0),
            Insn.Exit()) with { AttachType = BpfAttachType.TraceRawTp, AttachTo = "sched_switch" };
        using var program = KernelRefusal.RunWithKfuncs(() => Program.Load(spec));
        var calls = program.XlatedInstructions().Where(i => i.OpCode.IsJump && i.OpCode.JumpOp == JumpOp.Call).ToList();
        Assert.That(calls, Has.Count.EqualTo(2));
    }

    [Test]
    public void UnknownKfuncThrows()
    {
        var spec = Spec("kfunc_none", BpfProgramType.SocketFilter, Insn.CallKfunc("no_such_kfunc_anywhere"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit());
        var e = Assert.Throws<EbpfException>(() => Program.Load(spec))!;
        Assert.That(e.Message, Does.Contain("kfunc 'no_such_kfunc_anywhere'"));
    }

    [Test]
    public void UnknownAttachTargetThrows()
    {
        var spec = Spec("fentry_none", BpfProgramType.Tracing, Insn.Mov.Imm(Register.R0, 0), Insn.Exit()) with
        {
            AttachType = BpfAttachType.TraceFentry,
            AttachTo = "no_such_function_anywhere",
        };
        var e = Assert.Throws<EbpfException>(() => Program.Load(spec))!;
        Assert.That(e.Message, Does.Contain("no_such_function_anywhere"));
    }

    [Test]
    public void OpenByIdAndCloneReferToTheSameProgram()
    {
        using var program = Program.Load(Spec("by_id", BpfProgramType.SocketFilter, Insn.Mov.Imm(Register.R0, 3), Insn.Exit()));
        var id = program.Info().Id;
        using var byId = Program.OpenById(id);
        using var clone = program.Clone();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(byId.Info().Id, Is.EqualTo(id));
            Assert.That(byId.Name, Is.EqualTo("by_id"));
            Assert.That(byId.Type, Is.EqualTo(BpfProgramType.SocketFilter));
            Assert.That(clone.Info().Id, Is.EqualTo(id));
            Assert.That(clone.TestRun(new byte[16]).ReturnValue, Is.EqualTo(3u));
        }
    }

    [Test]
    public void XlatedInstructionsDecode()
    {
        using var program = Program.Load(Spec("xlated", BpfProgramType.SocketFilter, Insn.Mov.Imm(Register.R0, 3), Insn.Exit()));
        var xlated = program.XlatedInstructions();
        Assert.That(xlated, Has.Count.EqualTo(2));
        Assert.That(xlated[1].IsExit, Is.True);
    }

    [Test]
    public void InfoAgreesWithBpftool()
    {
        using var program = Program.Load(ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp));
        var info = program.Info();
        using var doc = JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "prog", "show", "id", info.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var json = doc.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(json.GetProperty("name").GetString(), Is.EqualTo(info.Name));
            Assert.That(json.GetProperty("tag").GetString(), Is.EqualTo(info.Tag));
            Assert.That(json.GetProperty("type").GetString(), Is.EqualTo("xdp"));
            Assert.That(json.GetProperty("bytes_xlated").GetUInt32(), Is.EqualTo(info.XlatedSize));
            Assert.That(json.GetProperty("bytes_jited").GetUInt32(), Is.EqualTo(info.JitedSize));
            Assert.That(json.GetProperty("btf_id").GetUInt32(), Is.EqualTo(info.BtfId));
            Assert.That(json.GetProperty("gpl_compatible").GetBoolean(), Is.EqualTo(info.GplCompatible));
            Assert.That(json.GetProperty("bytes_memlock").GetUInt64(), Is.EqualTo(info.MemlockBytes));
            Assert.That(json.GetProperty("loaded_at").GetInt64(), Is.EqualTo(info.LoadedAt.ToUnixTimeSeconds()).Within(1));
        }
    }
}
