using Ebpf.Tests.Asm;

namespace Ebpf.Tests.Specs;

/// <summary>
/// Our linked programs against the instructions libbpf loads (<c>bpf_object__load</c>, then
/// <c>bpf_program__insns</c>), compared by <see cref="LinkedInstructionDifference"/>.
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
        Assert.That(LinkedInstructionDifference.Find(spec, loaded), Is.Empty);
    }
}
