using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Kernel;

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

    private string _directory = "";

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

    [SetUp]
    public void MakeDirectory() => _directory = Directory.CreateTempSubdirectory("load-failure").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

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
        Instructions = new Instructions([Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
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
        var e = Assert.Throws<EbpfException>(() => Map.Create(Spec().Maps["auxiliary_maps"], syscalls: kernel.Sys.Object))!;
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
        using var replacement = Map.Create(new MapSpec { Name = "other", Type = BpfMapType.Hash, KeySize = 8, ValueSize = 8, MaxEntries = 1 }, syscalls: kernel.Sys.Object);
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
            Instructions = new Instructions([Insn.LoadMapPtr(Register.R1, "missing"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
        };
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, syscalls: kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith($"program '{RefusedProgram}' ({RefusedSection}): the map 'missing' it uses is not among"));
        AssertNothingLeaks(kernel, atLeast: 3);
    }

    /// <summary>A made-up kernel BTF, <c>struct task { int pid; unsigned int flags; }</c>, as a file; the same BTF, parsed, as an object's own.</summary>
    private (KernelBtf Kernel, BtfSpec Local, uint Task) TaskBtf()
    {
        var builder = new BtfBuilder();
        uint i32 = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        uint u32 = builder.AddInt("unsigned int", 4);
        uint task = builder.AddStruct("task", 8, [new BtfMember("pid", i32, 0, 0), new BtfMember("flags", u32, 32, 0)]);
        byte[] blob = builder.Marshal(ByteOrder.LittleEndian);
        string vmlinux = Path.Combine(_directory, "vmlinux");
        File.WriteAllBytes(vmlinux, blob);
        return (new KernelBtf(vmlinux, _directory), BtfSpec.Parse(blob), task);
    }

    /// <summary><see cref="Spec"/> with the refused program's instructions replaced and the kernel BTF and kallsyms given.</summary>
    private static (CollectionSpec Spec, CollectionLoadOptions Options) WithRefusedProgram(
        Instructions instructions, KernelBtf kernelBtf, BtfSpec? btf = null, string? kallsyms = null)
    {
        var spec = Spec();
        spec.Programs[RefusedProgram] = spec.Programs[RefusedProgram] with { Instructions = instructions, Btf = btf };
        return (spec, new CollectionLoadOptions { Programs = new ProgramLoadOptions { KernelBtf = kernelBtf, KernelSymbolsPath = kallsyms } });
    }

    [Test]
    public void ACoreRelocationThatCannotBeAppliedNamesTheProgramAndStaysACoreRelocationException()
    {
        var (kernelBtf, local, task) = TaskBtf();
        var relocation = new CoreRelocation(0, task, 0, "0:1", CoreRelocationKind.FieldByteOffset);
        var move = Insn.Mov.Imm(Register.R1, 5); // the compiler would have put 4, the offset of flags
        var (spec, options) = WithRefusedProgram(
            new Instructions([move.WithMetadata(new InstructionMetadata { Tag = relocation }), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]), kernelBtf, local);
        var kernel = new FakeKernel();
        var e = Assert.Throws<CoreRelocationException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e, Is.TypeOf<CoreRelocationException>());
            Assert.That(e.Message, Does.StartWith($"program '{RefusedProgram}' ({RefusedSection}): "));
            Assert.That(e.Message, Does.Contain("unexpected ALU immediate: got 5, expected 4"));
            Assert.That(e.Subject, Is.EqualTo($"program '{RefusedProgram}' ({RefusedSection})"));
            Assert.That(e.Relocation, Is.EqualTo(relocation), "the relocation is kept");
            Assert.That(e.InstructionIndex, Is.Zero);
            Assert.That(e.StackTrace, Does.Contain(nameof(CoreRelocator)), "the stack trace is where the relocation failed");
        }

        AssertNothingLeaks(kernel, atLeast: 3);
        Assert.That(spec.Programs[RefusedProgram].Instructions[0].Immediate, Is.EqualTo(5), "the spec is left alone");
    }

    [Test]
    public void ACoreRelocationExceptionIsNamedOnce()
    {
        var named = new CoreRelocationException("bad").WithSubject("program 'p'");
        Assert.That(named.WithSubject("program 'q'").Message, Is.EqualTo("program 'q': program 'p': bad"), "WithSubject itself always prefixes");
        Assert.That(Ebpf.Kernel.FailureSubject.Name(named, "program 'q'"), Is.SameAs(named), "the loader leaves a named failure alone");
    }

    [TestCase(false, "cannot read the kernel BTF {0} for CO-RE relocations: ")]
    [TestCase(true, "the kernel BTF {0} for CO-RE relocations is not valid BTF: ")]
    public void KernelBtfThatCannotBeReadForCoreNamesTheProgram(bool exists, string message)
    {
        var (_, local, task) = TaskBtf();
        string vmlinux = Path.Combine(_directory, "absent", "vmlinux");
        if (exists)
        {
            vmlinux = Path.Combine(_directory, "garbage");
            File.WriteAllBytes(vmlinux, [1, 2, 3, 4, 5, 6, 7, 8]);
        }

        var relocation = new CoreRelocation(0, task, 0, "0:1", CoreRelocationKind.FieldByteOffset);
        var (spec, options) = WithRefusedProgram(
            new Instructions([Insn.Mov.Imm(Register.R1, 4).WithMetadata(new InstructionMetadata { Tag = relocation }), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
            new KernelBtf(vmlinux, _directory),
            local);
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e, Is.TypeOf<EbpfException>());
            Assert.That(e.Message, Does.StartWith($"program '{RefusedProgram}' ({RefusedSection}): {string.Format(message, vmlinux)}"));
            Assert.That(e.InnerException, exists ? Is.InstanceOf<BtfFormatException>() : Is.InstanceOf<IOException>());
        }

        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void ARunningKernelWithoutBtfLacksAFeature()
    {
        var e = (EbpfNotSupportedException)Ebpf.Kernel.RequiredKernelBtf.Unreadable("/sys/kernel/btf/vmlinux", "CO-RE relocations", new FileNotFoundException("gone"));
        var named = (EbpfNotSupportedException)Ebpf.Kernel.FailureSubject.Name(e, "program 'p' (kprobe/x)");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(named, Is.TypeOf<EbpfNotSupportedException>());
            Assert.That(named.Message, Is.EqualTo(
                "program 'p' (kprobe/x): kernel BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF) for CO-RE relocations is not supported by this kernel (requires Linux 5.4 or later)"));
            Assert.That(named.MinimumKernelVersion, Is.EqualTo("5.4"));
            Assert.That(named.InnerException, Is.InstanceOf<FileNotFoundException>());
        }

        var other = Ebpf.Kernel.RequiredKernelBtf.Unreadable("/tmp/x/vmlinux", "CO-RE relocations", new FileNotFoundException("gone"));
        Assert.That(other, Is.TypeOf<EbpfException>(), "a file given by the caller that is missing is no kernel's lack");
    }

    [Test]
    public void AKfuncTheKernelLacksNamesTheProgram()
    {
        var (kernelBtf, _, _) = TaskBtf();
        var (spec, options) = WithRefusedProgram(new Instructions([Insn.CallKfunc("bpf_absent_kfunc"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]), kernelBtf);
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        Assert.That(e, Is.TypeOf<EbpfException>());
        Assert.That(e.Message, Is.EqualTo(
            $"program '{RefusedProgram}' ({RefusedSection}): kfunc 'bpf_absent_kfunc' is not in the kernel's BTF (no Func of that name in vmlinux or a module)"));
        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void ATypedKsymTheKernelLacksNamesTheProgram()
    {
        var (kernelBtf, _, _) = TaskBtf();
        var (spec, options) = WithRefusedProgram(
            new Instructions([Insn.LoadKernelVariable(Register.R1, 0).WithReference("absent_variable"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]), kernelBtf);
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith($"program '{RefusedProgram}' ({RefusedSection}): ksym 'absent_variable' is not in the kernel's BTF"));
        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void ATypelessKsymNotInKallsymsNamesTheProgram()
    {
        var (kernelBtf, _, _) = TaskBtf();
        string kallsyms = Path.Combine(_directory, "kallsyms");
        File.WriteAllText(kallsyms, "ffffffff81000000 T _stext\n");
        var (spec, options) = WithRefusedProgram(
            new Instructions([new Instruction(OpCode.LoadImm64, Register.R1, 0, 0, 0).WithReference("absent_symbol"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
            kernelBtf,
            kallsyms: kallsyms);
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        Assert.That(e.Message, Is.EqualTo($"program '{RefusedProgram}' ({RefusedSection}): the kernel symbol 'absent_symbol' it uses is not in /proc/kallsyms"));
        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void KernelBtfThatCannotBeReadForAKfuncNamesTheProgram()
    {
        string vmlinux = Path.Combine(_directory, "absent");
        var (spec, options) = WithRefusedProgram(
            new Instructions([Insn.CallKfunc("bpf_rcu_read_lock"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]), new KernelBtf(vmlinux, _directory));
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith($"program '{RefusedProgram}' ({RefusedSection}): cannot read the kernel BTF {vmlinux} for kfuncs, ksyms and attach targets: "));
        Assert.That(e.InnerException, Is.InstanceOf<FileNotFoundException>());
        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void ModuleBtfThatCannotBeReadForCoreNamesTheProgram()
    {
        var (_, local, task) = TaskBtf();
        var other = new BtfBuilder();
        other.AddInt("int", 4, BtfIntEncoding.Signed); // no struct task in vmlinux: the modules are searched
        string modules = Path.Combine(_directory, "modules");
        Directory.CreateDirectory(modules);
        File.WriteAllBytes(Path.Combine(modules, "vmlinux"), other.Marshal(ByteOrder.LittleEndian));
        File.WriteAllBytes(Path.Combine(modules, "broken_module"), [1, 2, 3, 4, 5, 6, 7, 8]);
        var relocation = new CoreRelocation(0, task, 0, "0:1", CoreRelocationKind.FieldByteOffset);
        var (spec, options) = WithRefusedProgram(
            new Instructions([Insn.Mov.Imm(Register.R1, 4).WithMetadata(new InstructionMetadata { Tag = relocation }), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
            new KernelBtf(moduleDirectory: modules),
            local);
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        Assert.That(e, Is.TypeOf<EbpfException>());
        Assert.That(e.Message, Does.StartWith($"program '{RefusedProgram}' ({RefusedSection}): the kernel BTF {modules} for CO-RE relocations is not valid BTF: "));
        Assert.That(e.InnerException, Is.InstanceOf<BtfFormatException>());
        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void ModuleBtfThatCannotBeReadForAKfuncNamesTheProgram()
    {
        var (kernelBtf, _, _) = TaskBtf();
        File.WriteAllBytes(Path.Combine(_directory, "broken_module"), [1, 2, 3, 4, 5, 6, 7, 8]);
        var (spec, options) = WithRefusedProgram(new Instructions([Insn.CallKfunc("bpf_module_kfunc"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]), kernelBtf);
        var kernel = new FakeKernel();
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith(
            $"program '{RefusedProgram}' ({RefusedSection}): the kernel BTF {Path.Combine(_directory, "broken_module")} for kfuncs, ksyms and attach targets is not valid BTF: "));
        AssertNothingLeaks(kernel, atLeast: 3);
    }

    [Test]
    public void ACallToALabelTheProgramLacksNamesTheProgram()
    {
        var (spec, options) = WithRefusedProgram(new Instructions([Insn.CallFunction("absent_function"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]), new KernelBtf(Path.Combine(_directory, "unused")));
        var kernel = new FakeKernel();
        var e = Assert.Throws<InstructionReferenceException>(() => Collection.Load(spec, options, kernel.Sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e, Is.TypeOf<InstructionReferenceException>());
            Assert.That(e.Message, Is.EqualTo($"program '{RefusedProgram}' ({RefusedSection}): reference to unknown symbol 'absent_function' (at slot 0)"));
            Assert.That(e.Subject, Is.EqualTo($"program '{RefusedProgram}' ({RefusedSection})"));
            Assert.That((e.Error, e.Symbol, e.SlotOffset), Is.EqualTo((ReferenceError.UnknownSymbol, "absent_function", 0)));
        }

        AssertNothingLeaks(kernel, atLeast: 3);
    }
}
