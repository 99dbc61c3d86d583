using System.Collections.Concurrent;
using Ebpf.Kernel;
using Ebpf.Tests.Specs;

namespace Ebpf.Tests.RealWorld;

/// <summary>
/// Real-world objects (Debian's libbpf-tools, see <see cref="LibbpfToolsObjects"/>): every object libbpf's
/// <c>bpf_object__load</c> loads on this machine, <see cref="Collection.Load"/> loads too, with the same programs.
/// Both sides load with the object's defaults (the tools set read-only constants and autoload before loading).
/// </summary>
[TestFixture]
[Category("Kernel")]
[Category("RealWorld")]
public sealed class LibbpfToolsLoadTests
{
    private static readonly ConcurrentDictionary<string, LoadOutcome> Outcomes = new(StringComparer.Ordinal);

    public static IEnumerable<TestCaseData> Objects() => LibbpfToolsOpenTests.Objects();

    [TestCaseSource(nameof(Objects))]
    public void LoadsWhereLibbpfLoads(string file)
    {
        var outcome = Load(LibbpfToolsObjects.Path(file));
        TestContext.Out.WriteLine($"libbpf: {(outcome.LibbpfLoaded ? "loaded" : outcome.LibbpfError)}");
        TestContext.Out.WriteLine($"ours: {(outcome.WeLoaded ? "loaded" : outcome.OurError)}");
        if (outcome.LibbpfLoaded)
        {
            Assert.That(outcome.OurError, Is.Empty, "libbpf loads it, we do not");
            Assert.That(outcome.OurPrograms, Is.EquivalentTo(outcome.LibbpfPrograms!));
        }
    }

    [TestCaseSource(nameof(Objects))]
    public void LinkedInstructionsMatchLibbpf(string file)
    {
        string path = LibbpfToolsObjects.Path(file);
        if (!Load(path).LibbpfLoaded)
        {
            Assert.Pass("libbpf does not load it with its defaults");
        }

        var loaded = LibbpfObjects.LoadInstructions(path);
        Assert.That(LinkedInstructionDifference.Find(CollectionSpec.Load(path), loaded), Is.Empty);
    }

    [Test]
    public void Summary()
    {
        LibbpfToolsObjects.RequirePackage();
        int opened = 0;
        var outcomes = new Dictionary<string, LoadOutcome>(StringComparer.Ordinal);
        foreach (var path in LibbpfToolsObjects.All)
        {
            var libbpf = LibbpfObject.TryOpen(path, out _);
            var spec = CollectionSpec.Load(path);
            if (libbpf is not null && Difference.Programs(spec, libbpf).Count == 0 && Difference.Maps(spec, libbpf).Count == 0)
            {
                opened++;
            }

            outcomes[Path.GetFileName(path)] = Load(path);
        }

        int total = outcomes.Count, byLibbpf = outcomes.Values.Count(o => o.LibbpfLoaded), byUs = outcomes.Values.Count(o => o.WeLoaded);
        TestContext.Out.WriteLine($"libbpf-tools: {total} objects, {opened} opened equal to libbpf, {byLibbpf} loaded by libbpf, {byUs} loaded by us");
        foreach (var (name, o) in outcomes.Where(kv => !kv.Value.LibbpfLoaded || !kv.Value.WeLoaded))
        {
            string libbpf = o.LibbpfLoaded ? "loaded" : o.LibbpfError.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.Contains("failed to load:") || l.Contains("failed to create")) ?? "failed";
            TestContext.Out.WriteLine($"  {name}: libbpf {libbpf.Replace("libbpf: ", "")}; ours {(o.WeLoaded ? "loaded" : o.OurError)}");
        }

        Assert.That(outcomes.Where(kv => kv.Value.LibbpfLoaded && !kv.Value.WeLoaded).Select(kv => kv.Key), Is.Empty);
    }

    private static LoadOutcome Load(string path) => Outcomes.GetOrAdd(path, p =>
    {
        var libbpf = LibbpfLoad.TryLoad(p, out string libbpfError);
        try
        {
            using var collection = Collection.Load(CollectionSpec.Load(p));
            return new LoadOutcome(libbpf, libbpfError, collection.Programs.Keys.ToList(), "");
        }
        catch (Exception e)
        {
            return new LoadOutcome(libbpf, libbpfError, null, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
    });
}
