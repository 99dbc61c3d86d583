using System.Diagnostics;
using Ebpf.Fuzz;

// ebpf-fuzz [--seconds N] [--inputs N] [--seed N] [--target NAME]... [--corpus DIR] [--vmlinux]
// Replays the corpus, then mutates real inputs for each target; saves new failures to the corpus.
// Last line: "fuzz: N inputs, N failures". Exit code 1 when anything failed.
double seconds = 60;
long inputs = long.MaxValue;
int seed = 1;
bool vmlinux = false;
var names = new List<string>();
string corpus = Path.Combine(AppContext.BaseDirectory, "corpus");
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--seconds": seconds = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--inputs": inputs = long.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--target": names.Add(Next()); break;
        case "--corpus": corpus = Next(); break;
        case "--vmlinux": vmlinux = true; break;
        default:
            Console.Error.WriteLine("usage: ebpf-fuzz [--seconds N] [--inputs N] [--seed N] [--target NAME]... [--corpus DIR] [--vmlinux]");
            Console.Error.WriteLine($"targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
            return 2;
    }
}

var targets = names.Count == 0 ? FuzzTargets.All : FuzzTargets.All.Where(t => names.Contains(t.Name)).ToArray();
var runner = new FuzzRunner();
var report = new FuzzReport();
var clock = Stopwatch.StartNew();
foreach (var target in targets)
{
    var before = (report.Inputs, report.Failures.Count);
    var regressions = FuzzCorpus.Load(corpus, target.Name);
    runner.Run(target, regressions, seed, regressions.Count, TimeSpan.MaxValue, report);
    var seeds = FuzzSeeds.For(target.Name, vmlinux);
    runner.Run(target, seeds, seed, inputs, TimeSpan.FromSeconds(seconds / targets.Count), report);
    Console.WriteLine($"{target.Name}: {report.Inputs - before.Inputs} inputs ({regressions.Count} from the corpus, {seeds.Count} seeds), {report.Failures.Count - before.Count} failures");
}

foreach (var failure in report.Failures)
{
    string path = FuzzCorpus.Save(corpus, failure);
    Console.WriteLine($"FAILED {failure.Target} (from {failure.Seed}) -> {path}\n  {failure.Reason.Split('\n')[0]}");
}

Console.WriteLine($"{report.Accepted} accepted, {report.Rejected} rejected with a typed exception, {clock.Elapsed.TotalSeconds:F0} s");
Console.WriteLine(report);
return report.Failures.Count == 0 ? 0 : 1;
