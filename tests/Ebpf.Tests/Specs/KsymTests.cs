using Ebpf.Asm;

namespace Ebpf.Tests.Specs;

/// <summary>tests/bpf/ksyms.bpf.c and externs_noload.bpf.c: typed, typeless and weak kernel symbol externs.</summary>
[TestFixture]
public sealed class KsymTests
{
    private static Instruction Load(ProgramSpec program, string symbol) =>
        program.Instructions.Single(i => i.OpCode.IsLoadImm64 && i.Reference == symbol);

    [TestCase(false)]
    [TestCase(true)]
    public void TypelessKsymsArePlainLoadsAndTypedOnesBtfIds(bool bigEndian)
    {
        var program = CollectionSpec.Load(TestPrograms.Path("ksyms", bigEndian)).Programs["read_ksyms"];
        Assert.That(((byte)Load(program, "_stext").Src, Load(program, "_stext").Constant), Is.EqualTo(((byte)0, 0L)), "typeless: kallsyms address at load");
        Assert.That((byte)Load(program, "dotnet_absent_symbol").Src, Is.Zero);
        Assert.That((byte)Load(program, "dotnet_absent_variable").Src, Is.EqualTo(PseudoSource.BtfId), "typed: kernel BTF id at load");
        Assert.That((byte)Load(program, "dotnet_absent_kfunc").Src, Is.EqualTo(PseudoSource.BtfId), "a kfunc's address is its BTF FUNC");
        Assert.That(program.Instructions.Single(i => i.IsKfuncCall).Reference, Is.EqualTo("dotnet_absent_kfunc"));
        Assert.That(program.WeakKernelSymbols, Is.EquivalentTo(new[] { "dotnet_absent_symbol", "dotnet_absent_variable", "dotnet_absent_kfunc" }));
    }

    [Test]
    public void WeakTypelessKsymOfExternsObject()
    {
        var program = CollectionSpec.Load(TestPrograms.Path("externs_noload")).Programs["with_ksyms"];
        Assert.That((byte)Load(program, "init_task").Src, Is.Zero);
        Assert.That((byte)Load(program, "bpf_prog_active").Src, Is.EqualTo(PseudoSource.BtfId));
        Assert.That(program.WeakKernelSymbols, Is.EquivalentTo(new[] { "init_task" }), "kconfig externs are not kernel symbols");
    }
}
