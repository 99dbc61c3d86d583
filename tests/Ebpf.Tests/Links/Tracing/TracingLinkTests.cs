using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>Raw tracepoint, tp_btf, fentry and iterator links on the running kernel.</summary>
[Category("Kernel")]
[Category("Link")]
public sealed class TracingLinkTests : CountingProgramFixture
{
    [Test]
    public void RawTracepointFiresAndDetaches()
    {
        using var program = Loader.Load(BpfProgramType.RawTracepoint);
        var link = program.AttachRawTracepoint("sys_enter");
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.GreaterThan(0UL));
        var info = link.Info();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.RawTracepoint));
        Assert.That(info.Name, Is.EqualTo("sys_enter"));

        Assert.That(link.Detach, Throws.InstanceOf<EbpfNotSupportedException>(), "raw tracepoint links cannot be detached, only closed");
        link.Dispose();
        ulong after = Loader.Count;
        Thread.Sleep(20);
        LinkTestNative.GetPid();
        Assert.That(Loader.Count, Is.EqualTo(after));
    }

    [Test]
    public void RawTracepointCookieReachesTheProgramAndLinkInfo()
    {
        const ulong Cookie = 0xC0FFEE_0000_1234;
        if (!Features.IsSupported(Features.Default.HaveRawTracepointCookie))
        {
            using var plain = Loader.Load(BpfProgramType.RawTracepoint);
            Assert.That(() => plain.AttachRawTracepoint("sys_enter", Cookie), Throws.InstanceOf<EbpfNotSupportedException>());
            Assert.Ignore("raw tracepoint BPF cookie: the kernel is older than 6.10 (feature probe)");
        }

        using var program = TestProgramLoader.LoadCode(BpfProgramType.RawTracepoint, Loader.CookieCode(), name: "cookie");
        using var link = program.AttachRawTracepoint("sys_enter", Cookie);
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.EqualTo(Cookie));
        var info = link.Info();
        Assert.That(info.Name, Is.EqualTo("sys_enter"));
        if (Environment.OSVersion.Version >= new Version(6, 17))
        {
            Assert.That(info.Cookie, Is.EqualTo(Cookie), "bpf_link_info.raw_tracepoint.cookie (Linux 6.17+)");
        }
    }

    [Test]
    public void TpBtfFires()
    {
        uint btfId = VmlinuxId("btf_trace_sys_enter", BtfKind.Typedef);
        using var program = Loader.Load(BpfProgramType.Tracing, expectedAttachType: BpfAttachType.TraceRawTp, attachBtfId: btfId);
        using var link = program.AttachTracing(BpfAttachType.TraceRawTp);
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.GreaterThan(0UL));
        var info = link.Info();
        Assert.That(info.ProgramId, Is.EqualTo(TestProgramLoader.ProgramId(program)));
    }

    [Test]
    public void FentryFires()
    {
        uint btfId = VmlinuxId("__task_pid_nr_ns", BtfKind.Func);
        Program program;
        try
        {
            program = Loader.Load(BpfProgramType.Tracing, expectedAttachType: BpfAttachType.TraceFentry, attachBtfId: btfId);
        }
        catch (EbpfPermissionException e)
        {
            // The load itself is the probe: the kernel refuses fentry programs even to root when it cannot make BPF
            // trampolines or is locked down; the diagnosis says which cause it found, and an unexplained refusal fails.
            var explained = EbpfPermissionException.ExplainTracingRefusal(e, BpfProgramType.Tracing, BpfAttachType.TraceFentry, "fentry program");
            KernelRefusal.IgnoreIfExplained("fentry", explained);
            throw explained;
        }

        using var owned = program;
        using var link = AttachWithCookieWhereSupported(program, BpfAttachType.TraceFentry, cookie: 7);
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.GreaterThan(0UL));
        AssertTracingLinkInfo(link.Info(), BpfAttachType.TraceFentry, btfId);
    }

    /// <summary>
    /// Attaches with <paramref name="cookie"/>, or without one where the SDK says the kernel lacks cookies on tracing
    /// links (5.19): the attach itself is what the caller checks.
    /// </summary>
    internal static TracingLink AttachWithCookieWhereSupported(Program program, BpfAttachType attachType, ulong cookie)
    {
        try
        {
            return program.AttachTracing(attachType, cookie);
        }
        catch (EbpfNotSupportedException e) when (e.Feature == "BPF cookie on tracing links")
        {
            return program.AttachTracing(attachType);
        }
    }

    /// <summary>
    /// Checks a tracing link's info; the target is compared where the kernel reports it (5.13+: before, the SDK reports
    /// neither target id, never one without the other).
    /// </summary>
    internal static void AssertTracingLinkInfo(LinkInfo info, BpfAttachType attachType, uint btfId)
    {
        using var scope = Assert.EnterMultipleScope();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.Tracing));
        Assert.That(info.AttachType, Is.EqualTo(attachType));
        Assert.That(info.TargetObjectId.HasValue, Is.EqualTo(info.TargetBtfId.HasValue), "both target ids or neither");
        if (info.TargetBtfId is { } target)
        {
            Assert.That(target, Is.EqualTo(btfId));
        }
    }

    [Test]
    public void TaskIteratorListsTasks()
    {
        uint btfId = VmlinuxId("bpf_iter_task", BtfKind.Func);
        Instructions code =
        [
            Insn.LoadMem(Register.R6, Register.R1, 0, AccessSize.DWord),
            Insn.LoadMem(Register.R7, Register.R1, 8, AccessSize.DWord),
            Insn.JEq.Imm(Register.R7, 0, "out"),
            Insn.LoadMem(Register.R1, Register.R6, 0, AccessSize.DWord),
            Insn.StoreImm(Register.R10, -8, 0x6b736174, AccessSize.Word), // "task"
            Insn.StoreImm(Register.R10, -4, 0x0a, AccessSize.Word), // "\n"
            Insn.Mov.Reg(Register.R2, Register.R10),
            Insn.Add.Imm(Register.R2, -8),
            Insn.Mov.Imm(Register.R3, 5),
            Insn.Call(Helper.SeqWrite),
            Insn.Mov.Imm(Register.R0, 0).WithSymbol("out"),
            Insn.Exit(),
        ];
        using var program = TestProgramLoader.LoadCode(BpfProgramType.Tracing, code, BpfAttachType.TraceIter, btfId, "iter_task");
        using var link = program.AttachIterator();
        string text = link.ReadAllText();
        int tasks = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.That(tasks, Is.GreaterThanOrEqualTo(Environment.ProcessorCount));
        Assert.That(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.All.EqualTo("task"));
        Assert.That(link.Info().Type, Is.EqualTo(BpfLinkType.Iter));
        Assert.That(link.Info().Name, Is.EqualTo("task"));
    }

    [Test]
    public void MapElementIteratorVisitsEveryElement()
    {
        uint btfId = VmlinuxId("bpf_iter_bpf_map_elem", BtfKind.Func);
        using var map = Map.Open(TestProgramLoader.Sys.MapCreate(new Ebpf.Kernel.Interop.MapCreateAttr
        {
            MapType = BpfMapType.Array, KeySize = 4, ValueSize = 8, MaxEntries = 6,
        }));
        Instructions code =
        [
            Insn.LoadMem(Register.R6, Register.R1, 0, AccessSize.DWord), // meta
            Insn.LoadMem(Register.R7, Register.R1, 16, AccessSize.DWord), // key
            Insn.JEq.Imm(Register.R7, 0, "out"),
            Insn.LoadMem(Register.R1, Register.R6, 0, AccessSize.DWord),
            Insn.StoreImm(Register.R10, -8, 0x0a65, AccessSize.Word), // "e\n"
            Insn.Mov.Reg(Register.R2, Register.R10),
            Insn.Add.Imm(Register.R2, -8),
            Insn.Mov.Imm(Register.R3, 2),
            Insn.Call(Helper.SeqWrite),
            Insn.Mov.Imm(Register.R0, 0).WithSymbol("out"),
            Insn.Exit(),
        ];
        using var program = KernelRefusal.Run("iter/bpf_map_elem", () => TestProgramLoader.LoadCode(BpfProgramType.Tracing, code, BpfAttachType.TraceIter, btfId, "iter_elem"));
        using var link = program.AttachIterator(map);
        Assert.That(link.ReadAllText(), Is.EqualTo(string.Concat(Enumerable.Repeat("e\n", 6))));
        Assert.That(link.Info().MapId, Is.Not.Null);
    }

    [Test]
    public void FreplaceFindsTheTargetFunctionByNameInTheTargetsBtf()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("freplace")));
        var target = collection.Programs["xdp_verdict"];
        uint id = TracingAttachExtensions.FunctionBtfId(target, "verdict");
        var loaded = KernelBtfObjects.Read(TestProgramLoader.Sys, target.Info().BtfId);
        Assert.That((loaded.GetKind(id), loaded.GetName(id)), Is.EqualTo((BtfKind.Func, "verdict")), "the id names the function in the program's loaded BTF");
        Assert.That(() => TracingAttachExtensions.FunctionBtfId(target, "no_such_function"),
            Throws.ArgumentException.With.Message.Contains("0 functions named no_such_function"));
    }

    private static uint VmlinuxId(string name, BtfKind kind)
    {
        var ids = KernelBtf.SharedVmlinux.FindIds(name, kind);
        Assert.That(ids, Is.Not.Empty, $"{name} in vmlinux BTF");
        return ids[0];
    }
}
