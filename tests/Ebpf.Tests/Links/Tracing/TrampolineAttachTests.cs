using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Links;
using Ebpf.Specs;

namespace Ebpf.Tests.Links;

/// <summary>
/// fexit, fmod_ret, lsm and freplace links on the running kernel (fentry: <see cref="TracingLinkTests.FentryFires"/>),
/// each seen firing in a counter map, fmod_ret and freplace also changing a result (a system call's, a program's). The program load is the probe:
/// a kernel that cannot make BPF trampolines, or is locked down (this machine), refuses them even to root, and the
/// SDK's diagnosis names the cause, which skips the test; an unexplained refusal fails it.
/// </summary>
[Category("Kernel")]
[Category("Link")]
public sealed class TrampolineAttachTests : CountingProgramFixture
{
    [Test]
    public void FexitFiresAndDetaches()
    {
        uint btfId = VmlinuxId("__task_pid_nr_ns");
        Link link;
        using (var program = LoadTracing("fexit", BpfProgramType.Tracing, BpfAttachType.TraceFexit, btfId))
        {
            link = program.AttachTracing(BpfAttachType.TraceFexit);
        }

        // The link holds the program: closing the program's descriptor above does not detach it.
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.GreaterThan(0UL));
        TracingLinkTests.AssertTracingLinkInfo(link.Info(), BpfAttachType.TraceFexit, btfId);

        link.Dispose();
        Thread.Sleep(20);
        ulong after = Loader.Count;
        LinkTestNative.GetPid();
        Assert.That(Loader.Count, Is.EqualTo(after));
    }

    [Test]
    public void FmodRetReplacesTheReturnValueOfASecurityHook()
    {
        // fmod_ret attaches to functions allowed for error injection and to security_* hooks. prctl(2) returns what
        // security_task_prctl returns unless that is -ENOSYS (no LSM handled the option); the program answers
        // Result for an option no kernel knows, which the kernel otherwise refuses with EINVAL, and returns 0 (run
        // the hook) for every other call.
        const int Option = 0x45425046, Result = 42;
        Instructions code =
        [
            Insn.LoadMem(Register.R2, Register.R1, 0, AccessSize.DWord), // int option
            Insn.JNE.Imm32(Register.R2, Option, "other"),
            .. Loader.CountingCode(Result),
            Insn.Mov.Imm(Register.R0, 0).WithSymbol("other"),
            Insn.Exit(),
        ];
        using var program = LoadTracing("fmod_ret", BpfProgramType.Tracing, BpfAttachType.ModifyReturn, VmlinuxId("security_task_prctl"), code);
        Assert.That(LinkTestNative.Prctl(Option), Is.EqualTo(-1), "an unknown option before attaching");

        using (var link = program.AttachTracing(BpfAttachType.ModifyReturn))
        {
            Assert.That(LinkTestNative.Prctl(Option), Is.EqualTo(Result), "the hook's return value replaced");
            Assert.That(Loader.Count, Is.EqualTo(1UL));
            Assert.That(link.Info().AttachType, Is.EqualTo(BpfAttachType.ModifyReturn));
        }

        Assert.That(LinkTestNative.Prctl(Option), Is.EqualTo(-1), "detached");
    }

    [Test]
    public void LsmFiresOnFileOpen()
    {
        using var program = LoadTracing("lsm", BpfProgramType.Lsm, BpfAttachType.LsmMac, VmlinuxId("bpf_lsm_file_open"));
        using var link = program.AttachTracing(BpfAttachType.LsmMac);
        ulong count = Loader.WaitAbove(0, () => File.ReadAllBytes("/proc/self/stat"));
        if (count == 0 && PermissionDiagnosis.Read().Lsms is { } lsms && !lsms.Contains("bpf"))
        {
            Assert.Ignore($"lsm: the program attached but 'bpf' is not among the active LSMs ({string.Join(',', lsms)}), so its hooks never run");
        }

        Assert.That(count, Is.GreaterThan(0UL), "file_open hook");
        var info = link.Info();
        Assert.That((info.Type, info.AttachType), Is.EqualTo((BpfLinkType.Tracing, BpfAttachType.LsmMac)));
    }

    [Test]
    public void FreplaceReplacesAGlobalFunction()
    {
        const uint XdpDrop = 1, XdpPass = 2;
        var spec = CollectionSpec.Load(TestPrograms.Path("freplace"));
        using var collection = Collection.Load(spec);
        var target = collection.Programs["xdp_verdict"];
        var packet = new byte[64];
        Assert.That(target.TestRun(packet).ReturnValue, Is.EqualTo(XdpPass), "verdict before freplace");

        var options = new ProgramLoadOptions
        {
            AttachProgram = target.FileDescriptor,
            Maps = new Dictionary<string, BpfFileDescriptor> { ["replaced"] = collection.Maps["replaced"].FileDescriptor },
        };
        using var extension = KernelRefusal.Run("freplace", () => Program.Load(spec.Programs["new_verdict"], options));
        using (var link = extension.AttachFreplace(target, "verdict"))
        {
            Assert.That(target.TestRun(packet).ReturnValue, Is.EqualTo(XdpDrop), "verdict replaced");
            Assert.That(collection.Maps["replaced"].Lookup<uint, ulong>(0), Is.EqualTo(1UL), "the extension ran once");
            Assert.That(link.Info().Type, Is.EqualTo(BpfLinkType.Tracing));
        }

        Assert.That(target.TestRun(packet).ReturnValue, Is.EqualTo(XdpPass), "verdict after the link closed");
    }

    /// <summary>Loads a counting program for a trampoline or LSM hook; skips when the kernel's refusal is explained by this machine.</summary>
    private Program LoadTracing(string feature, BpfProgramType type, BpfAttachType attachType, uint btfId, Instructions? code = null)
    {
        try
        {
            return TestProgramLoader.LoadCode(type, code ?? Loader.CountingCode(), attachType, btfId);
        }
        catch (EbpfPermissionException e)
        {
            var explained = EbpfPermissionException.ExplainTracingRefusal(e, type, attachType, $"{feature} program");
            KernelRefusal.IgnoreIfExplained(feature, explained);
            throw explained;
        }
    }

    private static uint VmlinuxId(string name)
    {
        var ids = KernelBtf.SharedVmlinux.FindIds(name, BtfKind.Func);
        Assert.That(ids, Is.Not.Empty, $"{name} in vmlinux BTF");
        return ids[0];
    }
}
