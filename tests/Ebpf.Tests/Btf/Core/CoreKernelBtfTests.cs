using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

/// <summary>Relocations against real kernel BTF built by hand on the local side: TYPE_MATCHES (which clang 14 cannot
/// emit), module fallback with the shared test module, and <see cref="CoreRelocator.ForKernel"/>.</summary>
public class CoreKernelBtfTests
{
    // local: struct task_struct { int pid; TYPE tgid; }
    private static (BtfSpec Btf, uint Task) LocalTask(bool longTgid)
    {
        var l = new CoreBtf();
        uint i = l.Int("int", 4, signed: true);
        uint tgid = longTgid ? l.Int("long", 8, signed: true) : l.Typedef("pid_t", i);
        uint task = l.Struct("task_struct", 16, ("pid", i, 0), ("tgid", tgid, 64));
        return (l.Build(), task);
    }

    [Test]
    public void TypeMatchesAgainstTheRunningKernel()
    {
        var kernel = BtfSpec.Parse(BtfTestData.KernelBytes());
        var (local, task) = LocalTask(longTgid: false);
        var relocation = new CoreRelocation(0, task, 0, "0", CoreRelocationKind.TypeMatches);
        Assert.That(new CoreRelocator(local, [kernel]).Resolve(relocation).NewValue, Is.EqualTo(1));

        var (wrong, wrongTask) = LocalTask(longTgid: true);
        var mismatch = new CoreRelocator(wrong, [kernel]).Resolve(new CoreRelocation(0, wrongTask, 0, "0", CoreRelocationKind.TypeMatches));
        Assert.That(mismatch.NewValue, Is.EqualTo(0), "tgid is a 32-bit pid_t");
    }

    [Test]
    public void ForKernelReadsTheRunningKernel()
    {
        var kernel = BtfSpec.Parse(BtfTestData.KernelBytes());
        var (local, task) = LocalTask(longTgid: false);
        var relocation = new CoreRelocation(0, task, 0, "0:1", CoreRelocationKind.FieldByteOffset);
        var expected = new CoreRelocator(local, [kernel]).Resolve(relocation).NewValue;
        Assert.That(CoreRelocator.ForKernel(local, new KernelBtf()).Resolve(relocation).NewValue, Is.EqualTo(expected));
    }

    [Test]
    public void TypeOnlyInAModuleResolvesAgainstTheModule()
    {
        var baseSpec = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf.base"));
        var module = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf"), baseSpec);

        // struct bpf_testmod_test_read_ctx { char *buf; loff_t off; size_t len; } in the kernel's selftests
        var l = new CoreBtf();
        uint ul = l.Int("long unsigned int", 8);
        uint size = l.Typedef("size_t", ul);
        uint ctx = l.Struct("bpf_testmod_test_read_ctx", 8, ("len", size, 0));
        var local = l.Build();
        var relocator = new CoreRelocator(local, [baseSpec, module]);

        var candidates = relocator.FindCandidates(ctx);
        Assert.That(candidates.Select(c => c.Spec), Is.All.SameAs(module));
        Assert.That(candidates, Has.Count.EqualTo(1));
        var offset = relocator.Resolve(new CoreRelocation(0, ctx, 0, "0:0", CoreRelocationKind.FieldByteOffset));
        Assert.That(offset.NewValue, Is.EqualTo(16));
        Assert.That(relocator.Resolve(new CoreRelocation(0, ctx, 0, "0", CoreRelocationKind.TypeIdTarget)).NewValue, Is.GreaterThanOrEqualTo(module.FirstTypeId));
    }
}
