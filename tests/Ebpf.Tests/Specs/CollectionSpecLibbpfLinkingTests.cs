using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Tests.Asm;

namespace Ebpf.Tests.Specs;

/// <summary>
/// Our linked programs against the instructions libbpf loads (<c>bpf_object__load</c>, then
/// <c>bpf_program__insns</c>): same subprogram order, call offsets and map value offsets. Map file descriptors,
/// kfunc and ksym BTF ids are what libbpf resolved and are not compared; CO-RE relocations are applied with our
/// <see cref="CoreRelocator"/> against the running kernel's BTF first, so relocated instructions must match too.
/// </summary>
[TestFixture]
[Category("Kernel")]
[NonParallelizable]
public sealed class CollectionSpecLibbpfLinkingTests
{
    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Where(f => f.EndsWith(".bpfel.o", StringComparison.Ordinal) && TestPrograms.IsLoadableByBpftool(f) && TestPrograms.IsOpenableByLibbpf(f))
            .Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));

    [TestCaseSource(nameof(Objects))]
    public void LinkedInstructionsMatchLibbpf(string file)
    {
        if (KernelTools.Unavailable() is { } reason)
        {
            Assert.Ignore(reason);
        }

        string path = Path.Combine(TestPrograms.Directory, file);
        var spec = CollectionSpec.Load(path);
        var loaded = LibbpfObjects.LoadInstructions(path);
        Assert.That(loaded.Keys, Is.EquivalentTo(spec.Programs.Values.Where(p => p.Autoload).Select(p => p.Name)));
        foreach (var (name, bytes) in loaded)
        {
            var expected = Instructions.Decode(bytes, ByteOrder.LittleEndian);
            var actual = new Instructions(spec.Programs[name].Instructions);
            if (spec.Programs[name].Btf is { } btf && actual.Any(i => i.Metadata?.Tag is CoreRelocation))
            {
                CoreRelocator.ForKernel(btf, KernelBtf.Shared).Apply(actual); // libbpf loaded them relocated too
            }

            Assert.That(actual.Count, Is.EqualTo(expected.Count), name);
            for (int i = 0; i < expected.Count; i++)
            {
                var (x, y) = (expected[i], actual[i]);
                string where = $"{name}[{i}]: libbpf {x}, ours {y}";
                if (y.IsLoadFromMap)
                {
                    Assert.That(((byte)y.Src, y.Constant >> 32), Is.EqualTo(((byte)x.Src, x.Constant >> 32)), where);
                }
                else if (y.OpCode.IsLoadImm64 && (byte)y.Src == PseudoSource.BtfId && (byte)x.Src == 0)
                {
                    Assert.That(x.Constant, Is.Zero, where + ": an absent weak ksym is 0");
                    Assert.That(spec.Programs[name].WeakKernelSymbols, Does.Contain(y.Reference), where);
                }
                else if (y.IsKfuncCall || (y.OpCode.IsLoadImm64 && (byte)y.Src == PseudoSource.BtfId))
                {
                    Assert.That(((byte)y.Src, y.OpCode), Is.EqualTo(((byte)x.Src, x.OpCode)), where);
                }
                else if (y.OpCode.IsLoadImm64 && (byte)y.Src == 0 && y.Reference is { } ksym)
                {
                    // A typeless ksym: libbpf put the address from /proc/kallsyms in; the loader does that for us.
                    Assert.That(x.Constant, Is.EqualTo((long)KernelSymbolAddresses.Find([ksym]).GetValueOrDefault(ksym)), where);
                }
                else
                {
                    Assert.That(y, Is.EqualTo(x), where);
                }
            }
        }
    }
}
