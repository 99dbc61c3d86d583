using Ebpf.Btf;
using Ebpf.Kernel;

namespace Ebpf.Tests.Specs;

/// <summary>Hidden global subprograms (hidden_funcs.bpf.c) get static BTF linkage, as libbpf gives them (<c>mark_btf_static</c>).</summary>
[TestFixture]
public sealed class HiddenFuncBtfTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void HiddenFunctionsBecomeStaticOthersStayGlobal(bool bigEndian)
    {
        var btf = CollectionSpec.Load(TestPrograms.Path("hidden_funcs", bigEndian)).Types!;
        var raw = BtfSpec.FromElf(Ebpf.Elf.ElfFile.Parse(File.ReadAllBytes(TestPrograms.Path("hidden_funcs", bigEndian))));

        Assert.That(Linkage(raw, "store_hidden"), Is.EqualTo(BtfLinkage.Global), "clang emits weak hidden functions as global");
        Assert.That(Linkage(btf, "store_hidden"), Is.EqualTo(BtfLinkage.Static));
        Assert.That(Linkage(btf, "plain_global"), Is.EqualTo(BtfLinkage.Global));
        Assert.That(Linkage(btf, "call_hidden"), Is.EqualTo(BtfLinkage.Global));
        Assert.That(btf.LastTypeId, Is.EqualTo(raw.LastTypeId), "type ids stay");
    }

    [Test]
    [Category("Kernel")]
    public void TheVerifierChecksTheHiddenFunctionInItsCallersContext()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("hidden_funcs")));
        Assert.That(collection.Programs, Does.ContainKey("call_hidden"));
    }

    private static BtfLinkage Linkage(BtfSpec btf, string name) =>
        ((BtfFunc)btf.FindTypes(name, BtfKind.Func).Single()).Linkage;
}
