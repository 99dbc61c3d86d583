using System.Collections.Concurrent;
using Ebpf.Kernel;
using Ebpf.Tests.Specs;

namespace Ebpf.Tests.RealWorld;

/// <summary>
/// Real-world objects (<see cref="RealWorldObjects"/>): every object libbpf's
/// <c>bpf_object__load</c> loads on this machine, <see cref="Collection.Load"/> loads too, with the same programs.
/// Both sides load with the object's defaults (the tools set read-only constants and autoload before loading).
/// </summary>
[TestFixture]
[Category("Kernel")]
[Category("RealWorld")]
public sealed class RealWorldLoadTests
{
    private static readonly ConcurrentDictionary<string, LoadOutcome> Outcomes = new(StringComparer.Ordinal);

    public static IEnumerable<TestCaseData> Objects() => RealWorldObjects.Cases();

    [TestCaseSource(nameof(Objects))]
    public void LoadsWhereLibbpfLoads(string id)
    {
        var outcome = Load(RealWorldObjects.Path(id));
        TestContext.Out.WriteLine($"libbpf: {(outcome.LibbpfLoaded ? "loaded" : outcome.LibbpfError)}");
        TestContext.Out.WriteLine($"ours: {(outcome.WeLoaded ? "loaded" : outcome.OurError)}");
        if (outcome.LibbpfLoaded && Known(id) is { } reason)
        {
            Assert.That(outcome.WeLoaded, Is.False, "loads now: remove it from RealWorldObjects.Refused or NotLoaded");
            Assert.Pass($"known: {reason}");
        }

        if (outcome.LibbpfLoaded)
        {
            Assert.That(outcome.OurError, Is.Empty, "libbpf loads it, we do not");
            Assert.That(outcome.OurPrograms, Is.EquivalentTo(outcome.LibbpfPrograms!.Keys));
        }
    }

    [TestCaseSource(nameof(Objects))]
    public void LinkedInstructionsMatchLibbpf(string id)
    {
        string path = RealWorldObjects.Path(id);
        if (Known(id) is { } reason)
        {
            Assert.Pass($"known: {reason}");
        }

        var outcome = Load(path);
        if (!outcome.LibbpfLoaded)
        {
            Assert.Pass("libbpf does not load it with its defaults");
        }

        var loaded = outcome.LibbpfPrograms!;
        Assert.That(LinkedInstructionDifference.Find(CollectionSpec.Load(path), loaded), Is.Empty);
    }

    [TestCase(LibbpfToolsObjects.Package)]
    [TestCase(KernelSelftestObjects.Name)]
    public void Summary(string source)
    {
        var (missing, all) = RealWorldObjects.Sources[source];
        if (missing() is { } reason)
        {
            Assert.Fail(reason);
        }

        int opened = 0, openedByLibbpf = 0;
        var outcomes = new Dictionary<string, LoadOutcome>(StringComparer.Ordinal);
        foreach (var path in all())
        {
            var libbpf = LibbpfObject.TryOpen(path, out _);
            if (libbpf is null)
            {
                continue; // nothing to compare: libbpf refuses it
            }

            openedByLibbpf++;
            if (ReadsEqual(path, libbpf))
            {
                opened++;
            }

            outcomes[Path.GetFileName(path)] = Load(path);
        }

        int byLibbpf = outcomes.Values.Count(o => o.LibbpfLoaded), byUs = outcomes.Values.Count(o => o.WeLoaded);
        TestContext.Out.WriteLine(
            $"{source}: {all().Count} objects, {openedByLibbpf} opened by libbpf, {opened} of them read equal to libbpf, {byLibbpf} loaded by libbpf, {byUs} loaded by us");
        foreach (var (name, o) in outcomes.Where(kv => !kv.Value.LibbpfLoaded || !kv.Value.WeLoaded))
        {
            string libbpf = o.LibbpfLoaded ? "loaded" : o.LibbpfError.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.Contains("failed to load:") || l.Contains("failed to create")) ?? "failed";
            TestContext.Out.WriteLine($"  {name}: libbpf {libbpf.Replace("libbpf: ", "")}; ours {(o.WeLoaded ? "loaded" : o.OurError)}");
        }

        var refused = InSource(RealWorldObjects.Refused.Keys, source);
        var notLoaded = InSource(RealWorldObjects.NotLoaded.Keys, source);
        TestContext.Out.WriteLine($"known: refused {string.Join(", ", refused)}; not loaded {string.Join(", ", notLoaded)}");
        Assert.That(opened, Is.EqualTo(openedByLibbpf - refused.Count), "objects read differently from libbpf");
        Assert.That(
            outcomes.Where(kv => kv.Value.LibbpfLoaded && !kv.Value.WeLoaded && !refused.Contains(kv.Key) && !notLoaded.Contains(kv.Key)).Select(kv => kv.Key),
            Is.Empty);
    }

    private static string? Known(string id) =>
        RealWorldObjects.Refused.TryGetValue(id, out var refused) ? $"we refuse it ({refused})"
        : RealWorldObjects.NotLoaded.TryGetValue(id, out var notLoaded) ? $"we do not load it yet ({notLoaded})"
        : null;

    private static HashSet<string> InSource(IEnumerable<string> ids, string source) =>
        ids.Where(id => id.StartsWith(source + "/", StringComparison.Ordinal)).Select(id => id[(source.Length + 1)..]).ToHashSet(StringComparer.Ordinal);

    private static bool ReadsEqual(string path, LibbpfObject libbpf)
    {
        try
        {
            var spec = CollectionSpec.Load(path);
            return Difference.Programs(spec, libbpf).Count == 0 && Difference.Maps(spec, libbpf).Count == 0;
        }
        catch (FormatException)
        {
            return false;
        }
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
