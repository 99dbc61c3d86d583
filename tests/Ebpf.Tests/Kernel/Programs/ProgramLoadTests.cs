using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Kernel;

/// <summary>Program.Load against a mocked kernel: retries, log growth, fallbacks, patching.</summary>
public sealed class ProgramLoadTests
{
    private const string FailingLog =
        "0: R1=ctx() R10=fp0\n" +
        "; void *data = (void *)(long)ctx->data; @ prog.bpf.c:7\n" +
        "0: (61) r1 = *(u32 *)(r1 +76)          ; R1_w=pkt(r=0)\n" +
        "; return *(int *)(data + 100); @ prog.bpf.c:8\n" +
        "1: (61) r0 = *(u32 *)(r1 +100)\n" +
        "invalid access to packet, off=100 size=4, R1(id=0,off=100,r=0)\n" +
        "R1 offset is outside of the packet\n" +
        "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

    private static ProgramSpec Spec(string name = "prog") => new()
    {
        Name = name,
        Type = BpfProgramType.SocketFilter,
        Instructions = new Instructions([Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
    };

    private static BpfFileDescriptor NoFd() => new(-1, ownsHandle: false);

    [Test]
    public void RejectedProgramRunsTheVerifierTwiceWithALargeLog()
    {
        var sizes = new List<(uint Level, uint Size)>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            sizes.Add((a.LogLevel, a.LogSize));
            throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EACCES, a.LogLevel == 0 ? string.Empty : FailingLog, false);
        }));

        var e = Assert.Throws<EbpfVerifierException>(() => Program.Load(Spec(), syscalls: sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sizes, Is.EqualTo(new[] { (0u, 0u), (1u, (uint)ProgramLoadOptions.FailureLogSize) }));
            Assert.That(e.Errno, Is.EqualTo(Errno.EACCES));
            Assert.That(e.Log, Is.EqualTo(FailingLog));
            Assert.That(e.LogTruncated, Is.False);
            Assert.That(e.Message, Does.StartWith("program 'prog': BPF_PROG_LOAD failed: Permission denied (EACCES): invalid access to packet, off=100 size=4"));
            Assert.That(e.Summary, Does.StartWith("program 'prog': invalid access to packet, off=100 size=4"));
            Assert.That(e.Message, Does.Contain("at insn 1: (61) r0 = *(u32 *)(r1 +100)"));
            Assert.That(e.Message, Does.Contain("source: return *(int *)(data + 100); @ prog.bpf.c:8"));
            Assert.That(e.Message, Does.Not.Contain("processed"));
        }
    }

    [Test]
    public void RejectedProgramWhoseLogOverflowsKeepsTheTailWithoutAThirdRun()
    {
        // Linux 6.4+: the log keeps its end and log_true_size says how large it all was.
        var calls = 0;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            calls++;
            if (a.LogLevel == 0)
            {
                throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.E2BIG, string.Empty, false);
            }

            throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.ENOSPC, FailingLog[20..], true) { LogTrueSize = 40L * 1024 * 1024 };
        }));

        var e = Assert.Throws<EbpfVerifierException>(() => Program.Load(Spec(), syscalls: sys.Object))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(calls, Is.EqualTo(2));
            Assert.That(e.Errno, Is.EqualTo(Errno.E2BIG), "the verdict of the run without a log, which ENOSPC hides");
            Assert.That(e.LogTruncated, Is.True);
            Assert.That(e.LogTrueSize, Is.EqualTo(40L * 1024 * 1024));
            Assert.That(e.Log, Is.EqualTo(FailingLog[20..]));
            Assert.That(e.Message, Does.Contain("invalid access to packet"));
            Assert.That(e.Message, Does.Contain("last").And.Contain("41,943,040 bytes"));
        }
    }

    [Test]
    public void RequestedLogThatOverflowsIsRetriedOnceWithTheExactSize()
    {
        var sizes = new List<uint>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            sizes.Add(a.LogSize);
            return a.LogSize < 300_000 ? throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.ENOSPC, "x", true) { LogTrueSize = 300_000 } : NoFd();
        }));

        using var program = Program.Load(Spec(), new ProgramLoadOptions { LogLevel = VerifierLogLevel.Instruction }, sys.Object);
        Assert.That(sizes, Is.EqualTo(new[] { 64u * 1024, 300_000u }));
    }

    [Test]
    public void RejectionAfterTheVerifierRanTriesNoBtfFallback()
    {
        var spec = ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp);
        var btfFds = new List<uint>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(() => new BpfFileDescriptor(1000, ownsHandle: false));
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            btfFds.Add(a.ProgBtfFd);
            string log = a.LogLevel == 0 ? string.Empty : FailingLog + "; int x = line_info; @ prog.bpf.c:9\nBPF program is too large. Processed 1000001 insn\n";
            throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.E2BIG, log, false);
        }));

        var e = Assert.Throws<EbpfVerifierException>(() => Program.Load(spec, syscalls: sys.Object))!;
        Assert.That(btfFds, Is.EqualTo(new[] { 1000u, 1000u }));
        Assert.That(e.Errno, Is.EqualTo(Errno.E2BIG));
    }

    [Test]
    public void FuncInfoRefusedBeforeTheVerifierRanIsDropped()
    {
        var spec = ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp);
        var btfFds = new List<uint>();
        var reports = new List<string>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(() => new BpfFileDescriptor(1000, ownsHandle: false));
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            btfFds.Add(a.ProgBtfFd);
            return a.ProgBtfFd != 0
                ? throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, a.LogLevel == 0 ? string.Empty : "invalid func info rec size 8\n", false)
                : NoFd();
        }));

        using var program = Program.Load(spec, new ProgramLoadOptions { Fallbacks = new FeatureFallbacks { Report = reports.Add } }, sys.Object);
        Assert.That(btfFds, Is.EqualTo(new[] { 1000u, 1000u, 0u }));
        Assert.That(reports, Has.Count.EqualTo(1).And.Some.Contains("function and line info"));
    }

    [Test]
    public void RequestedLogGrowsUntilASuccessfulLoadFits()
    {
        var sizes = new List<uint>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            sizes.Add(a.LogSize);
            if (a.LogSize < 1024 * 1024)
            {
                throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.ENOSPC, "x", true);
            }

            return NoFd();
        }));

        using var program = Program.Load(Spec(), new ProgramLoadOptions { LogLevel = VerifierLogLevel.Instruction }, sys.Object);
        Assert.That(sizes, Is.EqualTo(new[] { 64u * 1024, 256u * 1024, 1024u * 1024 }));
    }

    [Test]
    public void LogSizeStopsAtTheKernelLimit()
    {
        var sizes = new List<uint>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            sizes.Add(a.LogSize);
            throw new EbpfVerifierException(BpfCommand.ProgLoad, a.LogLevel == 0 ? Errno.EACCES : Errno.ENOSPC, a.LogLevel == 0 ? "" : FailingLog, a.LogLevel != 0);
        }));

        var e = Assert.Throws<EbpfVerifierException>(() => Program.Load(Spec(), new ProgramLoadOptions { LogSize = 256 * 1024 * 1024 }, sys.Object))!;
        Assert.That(sizes, Is.EqualTo(new[] { 0u, 256u * 1024 * 1024, (uint)ProgramLoadOptions.MaximumLogSize }));
        Assert.That(e.LogTruncated, Is.True);
        Assert.That(e.Message, Does.Contain("truncated"));
    }

    [Test]
    public void RejectionWithoutLogRetriesWithoutTheName()
    {
        var names = new List<string>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.MapCreate, Errno.EINVAL)); // the name probe: no names
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            names.Add(a.ProgName.ToString());
            return a.ProgName.ToString().Length > 0 ? throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, string.Empty, false) : NoFd();
        }));

        using var program = Program.Load(Spec("named"), syscalls: sys.Object);
        Assert.That(names, Is.EqualTo(new[] { "named", "named", string.Empty }));
        Assert.That(program.Name, Is.EqualTo("named"));
    }

    [Test]
    public void RejectionBeforeTheVerifierKeepsTheNameWhenTheKernelHasNames()
    {
        var names = new List<string>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => NoFd()); // the name probe: names work
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            if (a.ProgName.ToString().Length == 0)
            {
                return NoFd(); // the program type probe (unnamed): the kernel has the type
            }

            names.Add(a.ProgName.ToString());
            throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, string.Empty, false);
        }));

        Assert.Throws<EbpfVerifierException>(() => Program.Load(Spec("named"), syscalls: sys.Object));
        Assert.That(names, Is.EqualTo(new[] { "named", "named" }), "two runs: leaving the name out cannot help");
    }

    [Test]
    public void RejectionBeforeTheVerifierOfAProgramTypeTheKernelLacksNamesTheType()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => NoFd()); // the name probe: names work
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
            throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, string.Empty, false))); // the probe too

        var e = Assert.Throws<EbpfNotSupportedException>(() => Program.Load(Spec("named") with { Type = BpfProgramType.Netfilter }, syscalls: sys.Object))!;
        Assert.That(e.Message, Does.Contain("BPF_PROG_TYPE_NETFILTER").And.Contain("6.4"));
    }

    [Test]
    public void RejectedBtfFallsBackToNoFuncInfo()
    {
        var spec = ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp);
        ProgLoadAttr seen = default;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Throws(() => new EbpfVerifierException(BpfCommand.BtfLoad, Errno.EINVAL, "", false));
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            seen = a;
            return NoFd();
        }));

        using var program = Program.Load(spec, syscalls: sys.Object);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen.ProgBtfFd, Is.Zero);
            Assert.That(seen.FuncInfoCnt, Is.Zero);
            Assert.That(seen.LineInfoCnt, Is.Zero);
        }
    }

    [Test]
    public unsafe void FuncAndLineInfoArePassedWithTheBtf()
    {
        var spec = ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp);
        ProgLoadAttr seen = default;
        uint firstFuncSlot = uint.MaxValue;
        int lines = spec.Instructions.Count(i => i.Metadata?.Source is not null);
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(() => new BpfFileDescriptor(1000, ownsHandle: false));
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            seen = a;
            firstFuncSlot = *(uint*)a.FuncInfo;
            return NoFd();
        }));

        using var program = Program.Load(spec, syscalls: sys.Object);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen.ProgBtfFd, Is.EqualTo(1000u));
            Assert.That(seen.FuncInfoCnt, Is.EqualTo(1u));
            Assert.That(seen.FuncInfoRecSize, Is.EqualTo(8u));
            Assert.That(firstFuncSlot, Is.Zero);
            Assert.That(seen.LineInfoCnt, Is.EqualTo((uint)lines));
            Assert.That(seen.LineInfoRecSize, Is.EqualTo(16u));
        }
    }

    [Test]
    public unsafe void MapReferencesGetDescriptorsAndValueOffsets()
    {
        var spec = Spec() with
        {
            Instructions = new Instructions([Insn.LoadMapValue(Register.R1, "data", 12), Insn.LoadMapPtr(Register.R2, "other"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
        };
        byte[] code = [];
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            code = new ReadOnlySpan<byte>((void*)a.Insns, (int)a.InsnCnt * 8).ToArray();
            return NoFd();
        }));
        using var data = new BpfFileDescriptor(77, ownsHandle: false);
        using var other = new BpfFileDescriptor(78, ownsHandle: false);
        var options = new ProgramLoadOptions
        {
            Maps = new Dictionary<string, BpfFileDescriptor> { ["data"] = data },
            MapResolver = name => name == "other" ? other : null,
        };

        using var program = Program.Load(spec, options, sys.Object);
        var insns = Instructions.Decode(code, ByteOrder.LittleEndian);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((byte)insns[0].Src, Is.EqualTo(PseudoSource.MapValue));
            Assert.That(insns[0].Constant, Is.EqualTo((12L << 32) | 77));
            Assert.That((byte)insns[1].Src, Is.EqualTo(PseudoSource.MapFd));
            Assert.That(insns[1].Constant, Is.EqualTo(78));
        }
    }

    [Test]
    public void MapDescriptorDisposedDuringTheLoadStaysOpenUntilTheLoadEnds()
    {
        var spec = Spec() with { Instructions = new Instructions([Insn.LoadMapPtr(Register.R1, "data"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]) };
        var data = new BpfFileDescriptor(77, ownsHandle: false);
        bool closedDuringLoad = true;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            data.Dispose(); // another thread closing the map while the kernel reads its number
            closedDuringLoad = data.IsClosed;
            return NoFd();
        }));

        using var program = Program.Load(spec, new ProgramLoadOptions { Maps = new Dictionary<string, BpfFileDescriptor> { ["data"] = data } }, sys.Object);
        Assert.That(closedDuringLoad, Is.False);
        Assert.That(data.IsClosed, Is.True, "released when the load ends");
        Assert.Throws<ObjectDisposedException>(() => Program.Load(spec, new ProgramLoadOptions { Maps = new Dictionary<string, BpfFileDescriptor> { ["data"] = data } }, sys.Object));
    }

    [Test]
    public void FentryTargetIsFoundInVmlinux()
    {
        ProgLoadAttr seen = default;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            seen = a;
            return NoFd();
        }));
        var spec = Spec("fentry") with { Type = BpfProgramType.Tracing, AttachType = BpfAttachType.TraceFentry, AttachTo = "bpf_fentry_test1" };

        using var program = Program.Load(spec, syscalls: sys.Object);
        var expected = Ebpf.Btf.KernelBtf.Shared.Vmlinux.FindIds("bpf_fentry_test1", Ebpf.Btf.BtfKind.Func)[0];
        Assert.That(seen.AttachBtfId, Is.EqualTo(expected));
        Assert.That(seen.ExpectedAttachType, Is.EqualTo(BpfAttachType.TraceFentry));
    }

    [Test]
    public unsafe void KfuncAndKsymReferencesGetVmlinuxBtfIds()
    {
        // This kernel has no data symbols in kallsyms (CONFIG_KALLSYMS_ALL off), so ksym loads are checked here only.
        var spec = Spec("kernel_refs") with
        {
            Instructions = new Instructions(
            [
                Insn.LoadKernelVariable(Register.R1, 0).WithReference("bpf_prog_active"),
                Insn.CallKfunc("bpf_rcu_read_lock"),
                Insn.Mov.Imm(Register.R0, 0),
                Insn.Exit(),
            ]),
        };
        byte[] code = [];
        ulong fdArray = 1;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            code = new ReadOnlySpan<byte>((void*)a.Insns, (int)a.InsnCnt * 8).ToArray();
            fdArray = a.FdArray;
            return NoFd();
        }));

        using var program = Program.Load(spec, syscalls: sys.Object);
        var vmlinux = Ebpf.Btf.KernelBtf.Shared.Vmlinux;
        var insns = Instructions.Decode(code, ByteOrder.LittleEndian);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((byte)insns[0].Src, Is.EqualTo(PseudoSource.BtfId));
            Assert.That(insns[0].Constant, Is.EqualTo((long)vmlinux.FindIds("bpf_prog_active", Ebpf.Btf.BtfKind.Var)[0]));
            Assert.That(insns[1].IsKfuncCall, Is.True);
            Assert.That(insns[1].Immediate, Is.EqualTo((int)vmlinux.FindIds("bpf_rcu_read_lock", Ebpf.Btf.BtfKind.Func)[0]));
            Assert.That(insns[1].Offset, Is.Zero, "vmlinux kfuncs need no fd_array slot");
            Assert.That(fdArray, Is.Zero);
        }
    }

    [Test]
    public unsafe void TypelessKsymsGetKallsymsAddressesAndAbsentWeakSymbolsZero()
    {
        string kallsyms = Path.GetTempFileName();
        File.WriteAllText(kallsyms, "ffffffff81000000 T _stext\nffffffffc0001000 t module_thing\t[some_module]\n");
        try
        {
            var spec = Spec("weak_refs") with
            {
                Instructions = new Instructions(
                [
                    new Instruction(OpCode.LoadImm64, Register.R1, 0, 0, 0).WithReference("module_thing"),
                    new Instruction(OpCode.LoadImm64, Register.R2, 0, 0, 0).WithReference("absent_typeless"),
                    Insn.LoadKernelVariable(Register.R3, 0).WithReference("absent_typed"),
                    Insn.CallKfunc("absent_kfunc"),
                    Insn.Mov.Imm(Register.R0, 0),
                    Insn.Exit(),
                ]),
                WeakKernelSymbols = new HashSet<string> { "absent_typeless", "absent_typed", "absent_kfunc" },
            };
            byte[] code = [];
            var sys = new Mock<IBpfSyscalls>();
            sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
            {
                code = new ReadOnlySpan<byte>((void*)a.Insns, (int)a.InsnCnt * 8).ToArray();
                return NoFd();
            }));

            using var program = Program.Load(spec, new ProgramLoadOptions { KernelSymbolsPath = kallsyms }, sys.Object);
            var insns = Instructions.Decode(code, ByteOrder.LittleEndian);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(((byte)insns[0].Src, (ulong)insns[0].Constant), Is.EqualTo(((byte)0, 0xffffffffc0001000UL)), "module symbols count too");
                Assert.That(((byte)insns[1].Src, insns[1].Constant), Is.EqualTo(((byte)0, 0L)), "absent weak typeless ksym");
                Assert.That(((byte)insns[2].Src, insns[2].Constant), Is.EqualTo(((byte)0, 0L)), "absent weak typed ksym: a plain 0, as libbpf");
                Assert.That((insns[3].IsKfuncCall, insns[3].Immediate, insns[3].Offset), Is.EqualTo((true, 0, (short)0)), "absent weak kfunc: id 0, left to dead code elimination");
            }

            var strong = spec with { WeakKernelSymbols = new HashSet<string> { "absent_typeless", "absent_typed" } };
            Assert.That(() => Program.Load(strong, new ProgramLoadOptions { KernelSymbolsPath = kallsyms }, sys.Object),
                Throws.InstanceOf<EbpfException>().With.Message.Contains("absent_kfunc"));
        }
        finally
        {
            File.Delete(kallsyms);
        }
    }

    [Test]
    public unsafe void ExtensionTargetIsFoundInTheTargetProgramsBtf()
    {
        // freplace and fentry loads fail with EPERM on the test machine, so the resolution is checked here.
        var good = ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp);
        var builder = new Ebpf.Btf.Marshaling.BtfBuilder();
        builder.AddAll(good.Btf!);
        byte[] targetBtf = builder.Marshal(ByteOrder.LittleEndian);
        ProgLoadAttr seen = default;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ObjGetInfoByFd(ref It.Ref<ObjGetInfoAttr>.IsAny)).Callback(new ObjGetInfoCallback((ref ObjGetInfoAttr a) =>
        {
            if (a.InfoLen == sizeof(ProgInfo))
            {
                ((ProgInfo*)a.Info)->BtfId = 55;
            }
            else
            {
                var info = (BtfInfo*)a.Info;
                if (info->Btf != 0)
                {
                    targetBtf.CopyTo(new Span<byte>((void*)info->Btf, (int)info->BtfSize));
                }

                info->BtfSize = (uint)targetBtf.Length;
            }
        }));
        sys.Setup(s => s.GetFdById(BpfObjectKind.Btf, in It.Ref<GetIdAttr>.IsAny)).Returns(() => NoFd());
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            seen = a;
            return NoFd();
        }));
        var replacement = Spec("xdp_good") with { Type = BpfProgramType.Ext, AttachTo = "xdp_good" };
        using var target = new BpfFileDescriptor(500, ownsHandle: false);

        using var program = Program.Load(replacement, new ProgramLoadOptions { AttachProgram = target }, sys.Object);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen.AttachBtfId, Is.EqualTo(good.Btf!.FindIds("xdp_good", Ebpf.Btf.BtfKind.Func)[0]));
            Assert.That(seen.AttachProgFd, Is.EqualTo(500u));
        }
    }

    [Test]
    public void ExtensionWithoutTargetProgramThrows()
    {
        var spec = Spec() with { Type = BpfProgramType.Ext, AttachTo = "f" };
        var e = Assert.Throws<EbpfException>(() => Program.Load(spec, syscalls: new Mock<IBpfSyscalls>().Object))!;
        Assert.That(e.Message, Does.Contain("AttachProgram"));
    }

    [Test]
    public unsafe void ModuleKfuncGetsAnFdArraySlotWithTheModulesBtf()
    {
        var vmlinux = Ebpf.Btf.KernelBtf.Shared.Vmlinux;
        var builder = new Ebpf.Btf.Marshaling.BtfBuilder(vmlinux);
        uint proto = builder.Add(new Ebpf.Btf.BtfFuncProto(0, "", 0, []));
        uint kfuncId = builder.Add(new Ebpf.Btf.BtfFunc(0, "fake_module_kfunc", proto, Ebpf.Btf.BtfLinkage.Global));
        var dir = Directory.CreateTempSubdirectory("ebpf-modbtf-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "fakemod"), builder.Marshal(ByteOrder.LittleEndian));
            var kernelBtf = new Ebpf.Btf.KernelBtf(Ebpf.Btf.KernelBtf.Shared.VmlinuxPath, dir);
            var sys = new Mock<IBpfSyscalls>();
            int ids = 0;
            sys.Setup(s => s.TryGetNextId(BpfObjectKind.Btf, ref It.Ref<GetIdAttr>.IsAny)).Returns(new NextIdReturn((BpfObjectKind _, ref GetIdAttr a) =>
            {
                a.NextId = a.StartId + 1;
                return ++ids <= 2 ? Errno.None : Errno.ENOENT;
            }));
            BpfFileDescriptor? fdOut = null;
            sys.Setup(s => s.TryGetFdById(BpfObjectKind.Btf, in It.Ref<GetIdAttr>.IsAny, out fdOut)).Returns(new FdByIdReturn((BpfObjectKind _, in GetIdAttr a, out BpfFileDescriptor? fd) =>
            {
                fd = new BpfFileDescriptor(300 + (int)a.Id, ownsHandle: false);
                return Errno.None;
            }));
            sys.Setup(s => s.ObjGetInfoByFd(ref It.Ref<ObjGetInfoAttr>.IsAny)).Callback(new ObjGetInfoCallback((ref ObjGetInfoAttr a) =>
            {
                var info = (BtfInfo*)a.Info;
                var name = a.BpfFd == 302 ? "fakemod\0"u8 : "vmlinux\0"u8;
                name.CopyTo(new Span<byte>((void*)info->Name, (int)info->NameLen));
                info->KernelBtf = 1;
            }));
            byte[] code = [];
            int[] fdArray = [];
            sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
            {
                code = new ReadOnlySpan<byte>((void*)a.Insns, (int)a.InsnCnt * 8).ToArray();
                fdArray = new ReadOnlySpan<int>((void*)a.FdArray, 2).ToArray();
                return NoFd();
            }));
            var spec = Spec() with { Instructions = new Instructions([Insn.CallKfunc("fake_module_kfunc"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]) };

            using var program = Program.Load(spec, new ProgramLoadOptions { KernelBtf = kernelBtf }, sys.Object);
            var call = Instructions.Decode(code, ByteOrder.LittleEndian)[0];
            using (Assert.EnterMultipleScope())
            {
                Assert.That(call.Immediate, Is.EqualTo((int)kfuncId));
                Assert.That(call.Offset, Is.EqualTo(1));
                Assert.That(fdArray[1], Is.EqualTo(302));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ForeignByteOrderIsRejected()
    {
        var spec = Spec() with { ByteOrder = BitConverter.IsLittleEndian ? ByteOrder.BigEndian : ByteOrder.LittleEndian };
        Assert.Throws<ArgumentException>(() => Program.Load(spec, syscalls: new Mock<IBpfSyscalls>().Object));
    }

    [TestCase("xdp_prog", "xdp_prog")]
    [TestCase("a-b:c/d", "abcd")]
    [TestCase("exactly_fifteen_chars", "exactly_fifteen")]
    public void NamesAreSanitized(string name, string expected) =>
        Assert.That(ProgramLoader.SanitizeName(name), Is.EqualTo(expected));
}
