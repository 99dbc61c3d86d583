using Ebpf.Fuzz;

namespace Ebpf.Tests.Fuzz;

public class FuzzHarnessTests
{
    private static IEnumerable<string> TargetNames => FuzzTargets.All.Select(t => t.Name);

    [TestCaseSource(nameof(TargetNames))]
    public void MutatedSeedsEndInSuccessOrATypedException(string name)
    {
        var target = FuzzTargets.All.Single(t => t.Name == name);
        var seeds = FuzzSeeds.For(name);
        Assert.That(seeds, Is.Not.Empty, "no seeds: were the test objects built?");
        var report = new FuzzReport();
        new FuzzRunner().Run(target, seeds, seed: 20261125, maxInputs: 4000, TimeSpan.FromSeconds(30), report);
        TestContext.Out.WriteLine($"{name}: {report} ({report.Accepted} accepted, {report.Rejected} rejected)");
        Assert.That(report.Failures.Select(f => $"{f.Seed}: {f.Reason}"), Is.Empty);
        Assert.That(report.Accepted, Is.GreaterThan(0));
        Assert.That(report.Rejected, Is.GreaterThan(0));
    }

    [Test]
    public void CorpusInputsEndCleanly()
    {
        string corpus = Path.Combine(TestPrograms.RepoRoot, "tests", "Ebpf.Fuzz", "corpus");
        Assert.That(Directory.Exists(corpus), Is.True);
        var runner = new FuzzRunner();
        foreach (var target in FuzzTargets.All)
        {
            foreach (var input in FuzzCorpus.Load(corpus, target.Name))
            {
                Assert.That(runner.RunOne(target, input.Bytes, out _), Is.Null, $"{target.Name}/{input.Name}");
            }
        }
    }

    [Test]
    public void SameSeedGivesTheSameInputs()
    {
        var input = File.ReadAllBytes(TestPrograms.Path("packet"));
        var a = new Mutator(42);
        var b = new Mutator(42);
        for (int i = 0; i < 200; i++)
        {
            Assert.That(a.Mutate(input, input), Is.EqualTo(b.Mutate(input, input)));
        }
    }

    [Test]
    public void UntypedExceptionsSlowInputsAndBigAllocationsAreFailures()
    {
        var runner = new FuzzRunner(new FuzzLimits(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), 2, 1024));
        var typed = new FuzzTarget("typed", _ => throw new FormatException("bad"), [typeof(FormatException)]);
        var untyped = new FuzzTarget("untyped", input => _ = input[input.Length], [typeof(FormatException)]);
        var slow = new FuzzTarget("slow", _ => Thread.Sleep(200), []);
        var greedy = new FuzzTarget("greedy", input => GC.KeepAlive(new byte[input.Length * 100]), []);

        Assert.That(runner.RunOne(typed, [1, 2], out bool rejected), Is.Null);
        Assert.That(rejected, Is.True);
        Assert.That(runner.RunOne(untyped, [1, 2], out _), Does.StartWith("System.IndexOutOfRangeException"));
        Assert.That(runner.RunOne(slow, [1], out _), Does.StartWith("took"));
        Assert.That(runner.RunOne(greedy, new byte[64], out _), Does.StartWith("allocated"));
    }

    [Test]
    public void AHungInputStopsTheRunAndIsReported()
    {
        var runner = new FuzzRunner(new FuzzLimits(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 64, 1 << 20));
        var hang = new FuzzTarget("hang", input => { if (input.Length > 0 && input[0] == 0xff) { Thread.Sleep(Timeout.Infinite); } }, []);
        var report = new FuzzReport();
        runner.Run(hang, [new FuzzSeed("ok", [0]), new FuzzSeed("hangs", [0xff])], seed: 1, maxInputs: 10, TimeSpan.FromSeconds(10), report);
        Assert.That(report.Failures, Has.Count.EqualTo(1));
        Assert.That(report.Failures[0].Reason, Does.StartWith("hung"));
        Assert.That(report.Failures[0].Input, Is.EqualTo(new byte[] { 0xff }));
    }
}
