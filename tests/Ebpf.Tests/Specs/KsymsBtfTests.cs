using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Specs;

/// <summary>The <c>.ksyms</c> DATASEC of externs_noload.bpf.c after reading: what libbpf makes of it for the kernel.</summary>
[TestFixture]
public sealed unsafe class KsymsBtfTests
{
    private static (BtfSpec Btf, BtfDataSec Ksyms) Read(bool bigEndian)
    {
        var btf = CollectionSpec.Load(TestPrograms.Path("externs_noload", bigEndian)).Types!;
        return (btf, btf.FindTypes(".ksyms", BtfKind.DataSec).OfType<BtfDataSec>().Single());
    }

    [TestCase(false)]
    [TestCase(true)]
    public void KfuncsBecomeAPlaceholderVariableAndEveryEntryFourBytes(bool bigEndian)
    {
        var (btf, ksyms) = Read(bigEndian);
        var raw = BtfSpec.FromElf(Ebpf.Elf.ElfFile.Parse(File.ReadAllBytes(TestPrograms.Path("externs_noload", bigEndian))));
        var dummy = (BtfVar)btf.FindTypes("dummy_ksym", BtfKind.Var).Single();
        Assert.That(dummy.Id, Is.EqualTo(raw.LastTypeId + 1), "appended: every other type keeps its id");
        Assert.That((dummy.Linkage, btf.GetTypeById(dummy.TypeId) is BtfInt { Bits: 32 }), Is.EqualTo((BtfLinkage.Global, true)));

        Assert.That(ksyms.Size, Is.EqualTo((uint)(4 * ksyms.Variables.Count)));
        Assert.That(ksyms.Variables.Select(v => (v.Offset, v.Size)), Is.EqualTo(Enumerable.Range(0, ksyms.Variables.Count).Select(i => ((uint)(4 * i), 4u))));
        var names = ksyms.Variables.Select(v => btf.GetTypeById(v.TypeId)).ToList();
        Assert.That(names.All(t => t is BtfVar { Linkage: BtfLinkage.Global }), Is.True, "only allocated VARs: no FUNC, no extern");
        Assert.That(names.Count(t => t.Name == "dummy_ksym"), Is.EqualTo(2), "bpf_rcu_read_lock and bpf_rcu_read_unlock");
        Assert.That(((BtfFunc)btf.FindTypes("bpf_rcu_read_lock", BtfKind.Func).Single()).Linkage, Is.EqualTo(BtfLinkage.Global));
        Assert.That(((BtfVar)btf.FindTypes("bpf_prog_active", BtfKind.Var).Single()).TypeId, Is.EqualTo(dummy.TypeId), "typed ksyms become int variables");
    }

    [Test]
    [Category("Kernel")]
    public void TheKernelAcceptsTheFixedDataSec()
    {
        var (btf, ksyms) = Read(bigEndian: false);
        var builder = new BtfBuilder();
        builder.Add(btf, ksyms.Id);
        byte[] blob = builder.Marshal(Ebpf.Asm.ByteOrder.LittleEndian);
        fixed (byte* p = blob)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length };
            using var fd = LinuxBpfSyscalls.Instance.BtfLoad(ref attr);
            Assert.That(fd.IsInvalid, Is.False);
        }
    }
}
