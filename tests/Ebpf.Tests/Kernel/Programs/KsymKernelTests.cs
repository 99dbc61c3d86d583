using Ebpf.Asm;
using Ebpf.Kernel;
using Moq;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>Kernel symbol externs resolved at load: typeless from /proc/kallsyms, typed from kernel BTF, weak ones absent.</summary>
[TestFixture]
public sealed class KsymKernelTests
{
    private static ulong KallsymsAddress(string name) =>
        File.ReadLines("/proc/kallsyms").Select(l => l.Split(' ', 3)).Where(p => p.Length == 3 && p[2].Split('\t')[0] == name)
            .Select(p => Convert.ToUInt64(p[0], 16)).FirstOrDefault();

    [Test]
    [Category("Kernel")]
    public void TypelessKsymIsTheKallsymsAddressAndAbsentWeakOnesAreZero()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("ksyms")));
        Assert.That(collection.Programs["read_ksyms"].TestRun(new byte[64]).ReturnValue, Is.EqualTo(2u));
        var bss = new byte[24];
        collection.Maps[".bss"].Lookup(new byte[4], bss);
        var data = new byte[8];
        collection.Maps[".data"].Lookup(new byte[4], data);
        ulong stext = KallsymsAddress("_stext");
        Assert.That(stext, Is.Not.Zero, "/proc/kallsyms shows addresses to root");
        Assert.That(BitConverter.ToUInt64(bss, 0), Is.EqualTo(stext), "stext_address");
        Assert.That(BitConverter.ToUInt64(bss, 8), Is.Zero, "absent_typeless");
        Assert.That(BitConverter.ToUInt64(bss, 16), Is.Zero, "absent_typed");
        Assert.That(BitConverter.ToUInt64(data, 0), Is.Zero, "kfunc_present: the weak kfunc is absent");
    }

    [Test]
    [Category("Kernel")]
    public void TypedPerCpuKsymLoads()
    {
        if (KallsymsAddress("bpf_prog_active") == 0)
        {
            Assert.Ignore("typed ksyms: /proc/kallsyms lists no data symbols (CONFIG_KALLSYMS_ALL off), so the verifier cannot find bpf_prog_active");
        }

        var spec = CollectionSpec.Load(TestPrograms.Path("externs_noload"));
        spec.Programs["with_ksyms"] = spec.Programs["with_ksyms"] with { Autoload = true };
        using var collection = KernelRefusal.RunWithKfuncs(() => Collection.Load(spec));
        Assert.That(collection.Programs["with_ksyms"].Info().Type, Is.EqualTo(BpfProgramType.Tracing));
    }

    [Test]
    public void AMissingStrongTypelessKsymFailsBeforeTheKernelIsAsked()
    {
        string kallsyms = Path.GetTempFileName();
        try
        {
            File.WriteAllText(kallsyms, "ffffffff81000000 T _stext\nffffffffc0001000 t helper\t[some_module]\n");
            var syscalls = new Mock<IBpfSyscalls>(MockBehavior.Strict);
            var spec = new ProgramSpec
            {
                Name = "typeless",
                Type = BpfProgramType.SocketFilter,
                Instructions = new Instructions([new Instruction(OpCode.LoadImm64, Register.R1, 0, 0, 0).WithReference("missing_symbol"), Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
            };
            var e = Assert.Throws<EbpfException>(() => Program.Load(spec, new ProgramLoadOptions { KernelSymbolsPath = kallsyms }, syscalls.Object));
            Assert.That(e!.Message, Does.Contain("missing_symbol").And.Contain("kallsyms"));
        }
        finally
        {
            File.Delete(kallsyms);
        }
    }

    [Test]
    public void KallsymsLinesOfVmlinuxAndModulesParse()
    {
        Assert.That(KernelSymbolAddresses.Parse("ffffffff81000000 T _stext"), Is.EqualTo(("_stext", 0xffffffff81000000UL)));
        Assert.That(KernelSymbolAddresses.Parse("ffffffffc0001000 t helper\t[some_module]"), Is.EqualTo(("helper", 0xffffffffc0001000UL)));
        Assert.That(KernelSymbolAddresses.Parse("garbage").Name, Is.Null);
    }
}
