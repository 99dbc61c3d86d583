using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Links;
using Ebpf.Specs;

namespace Ebpf.Tests.Links;

/// <summary>
/// fexit, fmod_ret, lsm and freplace links on the running kernel (fentry: <see cref="TracingLinkTests.FentryFires"/>),
/// each seen firing in a counter map, fmod_ret and freplace also changing a result. The program load is the probe:
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
            link = TracingLink.Attach(program.FileDescriptor, BpfAttachType.TraceFexit);
        }

        // The link holds the program: closing the program's descriptor above does not detach it.
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.GreaterThan(0UL));
        var info = link.Info();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info.Type, Is.EqualTo(BpfLinkType.Tracing));
            Assert.That(info.AttachType, Is.EqualTo(BpfAttachType.TraceFexit));
            Assert.That(info.TargetBtfId, Is.EqualTo(btfId));
        }

        link.Dispose();
        Thread.Sleep(20);
        ulong after = Loader.Count;
        LinkTestNative.GetPid();
        Assert.That(Loader.Count, Is.EqualTo(after));
    }

    [Test]
    public void FmodRetReplacesTheReturnValue()
    {
        // BPF_PROG_TEST_RUN of an fmod_ret program calls bpf_modify_return_test(1, &b), which increments b and
        // returns a + b; the kernel reports the sum of its results in the low 16 bits of retval and counts the
        // functions that changed b in the high 16 bits, as the kernel selftests (modify_return) read it. An fmod_ret
        // program that returns non-zero skips the function: its value becomes the result and b stays.
        const int Replacement = 2;
        using var program = LoadTracing("fmod_ret", BpfProgramType.Tracing, BpfAttachType.ModifyReturn, VmlinuxId("bpf_modify_return_test"), Replacement);
        uint plain = program.TestRun([]).ReturnValue;
        Assert.That(Loader.Count, Is.Zero, "not attached yet");

        uint modified;
        using (TracingLink.Attach(program.FileDescriptor, BpfAttachType.ModifyReturn))
        {
            modified = program.TestRun([]).ReturnValue;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Loader.Count, Is.EqualTo(1UL), "one call of bpf_modify_return_test");
            Assert.That(modified >> 16, Is.EqualTo((plain >> 16) - 1), "bpf_modify_return_test did not run");
            Assert.That(modified & 0xffff, Is.Not.EqualTo(plain & 0xffff), "its result was replaced");
        }

        Assert.That(program.TestRun([]).ReturnValue, Is.EqualTo(plain), "detached");
    }

    [Test]
    public void LsmFiresOnFileOpen()
    {
        using var program = LoadTracing("lsm", BpfProgramType.Lsm, BpfAttachType.LsmMac, VmlinuxId("bpf_lsm_file_open"));
        using var link = TracingLink.Attach(program.FileDescriptor, BpfAttachType.LsmMac);
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
        var targetBtf = KernelBtfObjects.Read(TestProgramLoader.Sys, target.Info().BtfId);
        uint verdictId = targetBtf.FindIds("verdict", BtfKind.Func).Single();

        using (var link = TracingLink.AttachReplace(extension.FileDescriptor, target.FileDescriptor, verdictId))
        {
            Assert.That(target.TestRun(packet).ReturnValue, Is.EqualTo(XdpDrop), "verdict replaced");
            Assert.That(collection.Maps["replaced"].Lookup<uint, ulong>(0), Is.EqualTo(1UL), "the extension ran once");
            Assert.That(link.Info().Type, Is.EqualTo(BpfLinkType.Tracing));
        }

        Assert.That(target.TestRun(packet).ReturnValue, Is.EqualTo(XdpPass), "verdict after the link closed");
    }

    /// <summary>Loads a counting program for a trampoline or LSM hook; skips when the kernel's refusal is explained by this machine.</summary>
    private Program LoadTracing(string feature, BpfProgramType type, BpfAttachType attachType, uint btfId, int result = 0)
    {
        BpfFileDescriptor fd;
        try
        {
            fd = Loader.Load(type, result, attachType, btfId);
        }
        catch (EbpfPermissionException e)
        {
            var explained = EbpfPermissionException.ExplainTracingRefusal(e, type, attachType, $"{feature} program");
            KernelRefusal.IgnoreIfExplained(feature, explained);
            throw explained;
        }

        return Program.Open(fd);
    }

    private static uint VmlinuxId(string name)
    {
        var ids = KernelBtf.SharedVmlinux.FindIds(name, BtfKind.Func);
        Assert.That(ids, Is.Not.Empty, $"{name} in vmlinux BTF");
        return ids[0];
    }
}
