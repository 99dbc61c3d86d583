using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel;

using Asm = global::Ebpf.Asm.Asm;

/// <summary>
/// <see cref="Collection.Load"/> against a mocked kernel that refuses one map or program: the failure names the map,
/// or the program and its section, keeps the kernel call's exception type, error number and command (and a verifier
/// rejection its log), and every descriptor made before it is closed.
/// </summary>
public sealed class CollectionLoadFailureTests
{
    private const uint RefusedMapEntries = 4242; // marks the map the kernel refuses (its name is dropped on a retry)
    private const string RefusedProgram = "handle_exec";
    private const string RefusedSection = "tracepoint/syscalls/sys_enter_execve";

    private const string VerifierLog =
        "0: R1=ctx() R10=fp0\n" +
        "; return *(int *)(ctx + 4096); @ exec.bpf.c:12\n" +
        "0: (61) r0 = *(u32 *)(r1 +4096)\n" +
        "invalid bpf_context access off=4096 size=4\n" +
        "processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

    private delegate BpfFileDescriptor MapCreateReturn(in MapCreateAttr attr);

    private delegate BpfFileDescriptor ProgLoadReturn(ref ProgLoadAttr attr);

    /// <summary>A kernel that makes every map and program but the ones refused, and remembers what it made.</summary>
    private sealed class FakeKernel
    {
        private int _next = 100;

        public FakeKernel(Func<Exception>? refuseMap = null, Func<ProgLoadAttr, Exception>? refuseProgram = null)
        {
            Sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
                refuseMap is not null && a.MaxEntries == RefusedMapEntries ? throw refuseMap() : Track()));
            Sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
                refuseProgram is not null && a.ProgName.ToString() == RefusedProgram ? throw refuseProgram(a) : Track()));
        }

        public Mock<IBpfSyscalls> Sys { get; } = new();

        public List<BpfFileDescriptor> Created { get; } = [];

        private BpfFileDescriptor Track()
        {
            var fd = new BpfFileDescriptor(_next++, ownsHandle: false);
            Created.Add(fd);
            return fd;
        }
    }

    /// <summary>Two maps, the second of them the one <see cref="FakeKernel"/> refuses, and two programs, the second the refused one.</summary>
    private static CollectionSpec Spec(MapSpec? refusedMap = null)
    {
        var spec = new CollectionSpec();
        spec.Maps["events"] = new MapSpec { Name = "events", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 16, SectionName = ".maps" };
        spec.Maps["auxiliary_maps"] = refusedMap ?? new MapSpec
        {
            Name = "auxiliary_maps", Type = BpfMapType.Array, KeySize = 4, ValueSize = 64, MaxEntries = RefusedMapEntries, SectionName = ".maps",
        };
        spec.Programs["first"] = Program("first", BpfProgramType.SocketFilter, "socket");
        spec.Programs[RefusedProgram] = Program(RefusedProgram, BpfProgramType.Tracepoint, RefusedSection);
        return spec;
    }

    private static ProgramSpec Program(string name, BpfProgramType type, string section) => new()
    {
        Name = name,
        Type = type,
        SectionName = section,
        Instructions = new Instructions([Asm.Mov.Imm(Register.R0, 0), Asm.Exit()]),
    };

    private static void AssertNothingLeaks(FakeKernel kernel, int atLeast)
    {
        Assert.That(kernel.Created, Has.Count.GreaterThanOrEqualTo(atLeast), "descriptors made before the failure");
        Assert.That(kernel.Created.Select(fd => fd.IsClosed), Is.All.True, "every descriptor made before the failure is closed");
    }

    [TestCase(Errno.EINVAL, typeof(EbpfException))]
    [TestCase(Errno.E2BIG, typeof(EbpfException))]
    [TestCase(Errno.EPERM, typeof(EbpfPermissionException))]
    public void AMapTheKernelRefusesIsNamed(Errno errno, Type type)
    {
        var refusal = (EbpfException)errno.ToException(BpfCommand.MapCreate);
        var kernel = new FakeKernel(refuseMap: () => refusal);
        var e = Assert.Throws(type, () => Collection.Load(Spec(), syscalls: kernel.Sys.Object)) as EbpfException;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e, Is.TypeOf(type), "the kernel call's exception type");
            Assert.That(e!.Message, Is.EqualTo($"map 'auxiliary_maps': {refusal.Message}"));
            Assert.That(e.Message, Does.StartWith("map 'auxiliary_maps': BPF_MAP_CREATE failed: "));
            Assert.That(e.Errno, Is.EqualTo(errno));
            Assert.That(e.Command, Is.EqualTo(BpfCommand.MapCreate));
            Assert.That(e.Operation, Is.EqualTo("BPF_MAP_CREATE"));
            Assert.That(e.StackTrace, Does.Contain(nameof(FakeKernel)), "the stack trace is where the kernel call failed");
        }

        AssertNothingLeaks(kernel, atLeast: 1);
        kernel.Sys.Verify(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny), Times.Never);
    }

    [Test]
    public void TheMessageOfTheIssueIsWhatAnEinvalMapSays()
    {
        var kernel = new FakeKernel(refuseMap: () => Errno.EINVAL.ToException(BpfCommand.MapCreate));
        var e = Assert.Throws<EbpfException>(() => Collection.Load(Spec(), syscalls: kernel.Sys.Object))!;
        Assert.That(e.Message, Is.EqualTo("map 'auxiliary_maps': BPF_MAP_CREATE failed: Invalid argument (EINVAL)"));
    }

    [Test]
    public void AMapCreatedAloneIsNamedToo()
    {
        var kernel = new FakeKernel(refuseMap: () => Errno.E2BIG.ToException(BpfCommand.MapCreate));
        var e = Assert.Throws<EbpfException>(() => Map.Create(Spec().Maps["auxiliary_maps"], kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith("map 'auxiliary_maps': BPF_MAP_CREATE failed: "));
        Assert.That(e.Errno, Is.EqualTo(Errno.E2BIG));
    }

    [Test]
    public void AnInnerMapTemplateNamesItselfAndItsOuterMap()
    {
        var outer = new MapSpec
        {
            Name = "outer",
            Type = BpfMapType.ArrayOfMaps,
            KeySize = 4,
            ValueSize = 4,
            MaxEntries = 2,
            InnerMap = new MapSpec { Name = "outer.inner", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = RefusedMapEntries },
        };
        var kernel = new FakeKernel(refuseMap: () => Errno.EINVAL.ToException(BpfCommand.MapCreate));
        var e = Assert.Throws<EbpfException>(() => Collection.Load(Spec(outer), syscalls: kernel.Sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Message, Is.EqualTo("inner map 'outer.inner' of map 'outer': BPF_MAP_CREATE failed: Invalid argument (EINVAL)"));
            Assert.That(e.Errno, Is.EqualTo(Errno.EINVAL));
        }

        AssertNothingLeaks(kernel, atLeast: 1);
    }

    [Test]
    public void AnIncompatibleReplacementNamesTheMap()
    {
        var kernel = new FakeKernel();
        using var replacement = Map.Create(new MapSpec { Name = "other", Type = BpfMapType.Hash, KeySize = 8, ValueSize = 8, MaxEntries = 1 }, kernel.Sys.Object);
        var options = new CollectionLoadOptions { MapReplacements = new Dictionary<string, Map> { ["auxiliary_maps"] = replacement } };
        var e = Assert.Throws<EbpfException>(() => Collection.Load(Spec(), options, kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith("map 'auxiliary_maps': the map replacement is incompatible: type "));
        Assert.That(kernel.Created.Where(fd => fd != replacement.FileDescriptor).Select(fd => fd.IsClosed), Is.All.True);
        Assert.That(replacement.FileDescriptor.IsClosed, Is.False, "a replacement is the caller's");
    }

    [Test]
    public void AProgramTheVerifierRejectsIsNamedWithItsSectionAndKeepsItsLog()
    {
        var kernel = new FakeKernel(refuseProgram: a =>
            new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, a.LogLevel == 0 ? string.Empty : VerifierLog, false));
        var e = Assert.Throws<EbpfVerifierException>(() => Collection.Load(Spec(), syscalls: kernel.Sys.Object))!;
        string subject = $"program '{RefusedProgram}' ({RefusedSection})";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e, Is.TypeOf<EbpfVerifierException>());
            Assert.That(e.Message, Does.StartWith($"{subject}: BPF_PROG_LOAD failed: Invalid argument (EINVAL): invalid bpf_context access off=4096 size=4"));
            Assert.That(e.Message, Does.Contain("source: return *(int *)(ctx + 4096); @ exec.bpf.c:12"));
            Assert.That(e.Summary, Does.StartWith($"{subject}: invalid bpf_context access"), "the summary names the program too (hosting logs it alone)");
            Assert.That(e.Message, Does.EndWith(e.Summary![subject.Length..]), "the message ends with the summary");
            Assert.That(e.Log, Is.EqualTo(VerifierLog));
            Assert.That(e.LogTruncated, Is.False);
            Assert.That(e.Errno, Is.EqualTo(Errno.EINVAL));
            Assert.That(e.Command, Is.EqualTo(BpfCommand.ProgLoad));
        }

        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void AProgramRefusedForLackOfPrivilegeIsNamedAndStaysAPermissionError()
    {
        var refusal = (EbpfException)Errno.EPERM.ToException(BpfCommand.ProgLoad);
        var kernel = new FakeKernel(refuseProgram: _ => refusal);
        var e = Assert.Throws<EbpfPermissionException>(() => Collection.Load(Spec(), syscalls: kernel.Sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e, Is.TypeOf<EbpfPermissionException>());
            Assert.That(e.Message, Is.EqualTo($"program '{RefusedProgram}' ({RefusedSection}): {refusal.Message}"), "the refusal's own wording (and hint) follows the subject");
            Assert.That(e.Errno, Is.EqualTo(Errno.EPERM));
            Assert.That(e.Command, Is.EqualTo(BpfCommand.ProgLoad));
        }

        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void AProgramTheKernelCannotLoadIsNamedAndStaysNotSupported()
    {
        var refusal = (EbpfNotSupportedException)Errno.EOPNOTSUPP.ToException(BpfCommand.ProgLoad);
        var kernel = new FakeKernel(refuseProgram: _ => refusal);
        var e = Assert.Throws<EbpfNotSupportedException>(() => Collection.Load(Spec(), syscalls: kernel.Sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e, Is.TypeOf<EbpfNotSupportedException>());
            Assert.That(e.Message, Is.EqualTo($"program '{RefusedProgram}' ({RefusedSection}): {refusal.Message}"));
            Assert.That(e.Errno, Is.EqualTo(Errno.EOPNOTSUPP));
            Assert.That(e.Feature, Is.EqualTo(refusal.Feature));
        }

        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void AProgramLoadedAloneIsNamedWithoutASectionWhenItHasNone()
    {
        var kernel = new FakeKernel(refuseProgram: _ => Errno.EPERM.ToException(BpfCommand.ProgLoad));
        var spec = Spec().Programs[RefusedProgram] with { SectionName = null };
        var e = Assert.Throws<EbpfPermissionException>(() => Ebpf.Kernel.Program.Load(spec, syscalls: kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith($"program '{RefusedProgram}': BPF_PROG_LOAD failed: "));
    }

    [Test]
    public void AProgramWhoseBtfIsRefusedIsNamed()
    {
        var spec = ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp) with { SectionName = "xdp" };
        var kernel = new FakeKernel();
        kernel.Sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Throws(() => Errno.EPERM.ToException(BpfCommand.BtfLoad));
        var e = Assert.Throws<EbpfPermissionException>(() => Ebpf.Kernel.Program.Load(spec, syscalls: kernel.Sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Message, Does.StartWith($"program '{spec.Name}' (xdp): BPF_BTF_LOAD failed: Operation not permitted (EPERM)"));
            Assert.That(e.Command, Is.EqualTo(BpfCommand.BtfLoad));
            Assert.That(e.Errno, Is.EqualTo(Errno.EPERM));
        }

        kernel.Sys.Verify(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny), Times.Never);
    }

    [Test]
    public void AMissingMapReferenceNamesTheProgramOnce()
    {
        var spec = Spec();
        spec.Programs[RefusedProgram] = spec.Programs[RefusedProgram] with
        {
            Instructions = new Instructions([Asm.LoadMapPtr(Register.R1, "missing"), Asm.Mov.Imm(Register.R0, 0), Asm.Exit()]),
        };
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, syscalls: kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith($"program '{RefusedProgram}' ({RefusedSection}): the map 'missing' it uses is not among"));
        AssertNothingLeaks(kernel, atLeast: 3);
    }
}
