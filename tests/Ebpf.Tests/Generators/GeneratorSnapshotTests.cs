using System.Collections.Immutable;
using Ebpf.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Ebpf.Tests.Generators;

/// <summary>
/// Runs the generator over tests/bpf/typed.bpf.c and compares its output with Snapshots/TypedObjects.g.cs.txt.
/// After an intended change, run the tests with EBPF_UPDATE_SNAPSHOTS=1 to rewrite the snapshot, and review its diff.
/// </summary>
public class GeneratorSnapshotTests
{
    internal static readonly Lazy<PortableExecutableReference[]> AllReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p)).ToArray());

    private static string SnapshotPath => Path.Combine(TestPrograms.RepoRoot, "tests", "Ebpf.Tests", "Generators", "Snapshots", "TypedObjects.g.cs.txt");

    [Test]
    public void TheTypedObjectMatchesItsSnapshot()
    {
        var (result, _) = Run(TestPrograms.Path("typed"), new Dictionary<string, string>
        {
            ["EbpfClassName"] = "TypedObjects",
            ["EbpfNamespace"] = "Ebpf.Tests.Generators",
            ["EbpfTypes"] = "events:typed_event",
        });
        Assert.That(result.Diagnostics, Is.Empty);
        string source = result.Results.Single().GeneratedSources.Single().SourceText.ToString().ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("EBPF_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(SnapshotPath, source);
        }

        string expected = File.ReadAllText(SnapshotPath).ReplaceLineEndings("\n");
        Assert.That(Ebpf.Tests.Btf.HeaderDiff.FirstDifference(expected, source, "snapshot", "generated"), Is.Null, "generated source differs from " + SnapshotPath + " (EBPF_UPDATE_SNAPSHOTS=1 rewrites it)");
    }

    [Test]
    public void TheGeneratedSourceCompilesWithoutWarnings()
    {
        var (_, compilation) = Run(TestPrograms.Path("typed"), new Dictionary<string, string> { ["EbpfTypes"] = "events:typed_event" });
        var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.That(problems, Is.Empty);
        Assert.That(compilation.GetTypeByMetadataName("TypedObjects+TypedValue"), Is.Not.Null, "default class name from the file name");
    }

    private static IEnumerable<string> LittleEndianObjects() =>
        TestPrograms.All.Where(p => p.EndsWith(".bpfel.o", StringComparison.Ordinal));

    [TestCaseSource(nameof(LittleEndianObjects))]
    public void EveryTestObjectGivesAClassThatCompilesWithoutWarnings(string path)
    {
        var (result, compilation) = Run(path, new Dictionary<string, string>());
        Assert.That(result.Results.Single().Exception, Is.Null);
        Assert.That(result.Diagnostics, Is.Empty);
        var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void WithoutEmbeddingTheSpecIsReadFromBpfBesideTheApplication()
    {
        var (result, compilation) = Run(TestPrograms.Path("typed"), new Dictionary<string, string> { ["EbpfEmbed"] = "false" });
        string source = result.Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.That(source, Does.Contain("Load(global::System.IO.Path.Combine(global::System.AppContext.BaseDirectory, \"bpf\""));
        Assert.That(source, Does.Not.Contain("GetManifestResourceStream"));
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning), Is.Empty);
    }

    [Test]
    public void ABrokenObjectIsADiagnosticNotACrash()
    {
        string path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.bpfel.o");
        File.WriteAllBytes(path, [0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 2, 3]);
        try
        {
            var (result, _) = Run(path, new Dictionary<string, string>());
            var diagnostic = result.Diagnostics.Single();
            Assert.That(diagnostic.Id, Is.EqualTo("EBPF001"));
            Assert.That(diagnostic.GetMessage(), Does.StartWith("cannot read " + Path.GetFileName(path) + ": "));
            Assert.That(result.Results.Single().Exception, Is.Null);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void CorruptedObjectsAreDiagnosticsNeverGeneratorExceptions()
    {
        var original = File.ReadAllBytes(TestPrograms.Path("typed"));
        var random = new Random(7);
        string path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.bpfel.o");
        try
        {
            for (int i = 0; i < 60; i++)
            {
                var bytes = (byte[])original.Clone();
                for (int j = 0; j < 8; j++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                File.WriteAllBytes(path, bytes);
                var (result, _) = Run(path, new Dictionary<string, string> { ["EbpfTypes"] = "typed_event" });
                Assert.That(result.Results.Single().Exception, Is.Null, $"mutation {i}");
                Assert.That(result.Diagnostics.Select(d => d.Id), Is.SubsetOf(new[] { "EBPF001", "EBPF002", "EBPF003" }), $"mutation {i}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AnUnknownTypeNameIsAWarning()
    {
        var (result, _) = Run(TestPrograms.Path("typed"), new Dictionary<string, string> { ["EbpfTypes"] = "no_such_type" });
        Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "EBPF002" }));
        Assert.That(result.Diagnostics[0].GetMessage(), Does.Contain("no_such_type"));
    }

    [Test]
    public void AProjectWithoutEbpfKernelGetsNoClass()
    {
        var (result, _) = Run(TestPrograms.Path("typed"), new Dictionary<string, string>(), withKernel: false);
        Assert.That(result.Results.Single().GeneratedSources, Is.Empty);
    }

    [Test]
    public void AProjectWithEbpfLinksGetsAttachAllAndOneWithoutDoesNot()
    {
        var (_, withLinks) = Run(TestPrograms.Path("typed"), new Dictionary<string, string>());
        var (result, withoutLinks) = Run(TestPrograms.Path("typed"), new Dictionary<string, string>(), withLinks: false);
        Assert.That(withLinks.GetTypeByMetadataName("TypedObjects")!.GetMembers("AttachAll"), Has.Length.EqualTo(1));
        Assert.That(withoutLinks.GetTypeByMetadataName("TypedObjects")!.GetMembers("AttachAll"), Is.Empty);
        var attach = (IMethodSymbol)withLinks.GetTypeByMetadataName("TypedObjects")!.GetMembers("AttachRecordTyped").Single();
        Assert.That(attach.ReturnType.ToDisplayString(), Is.EqualTo("Ebpf.Links.RawTracepointLink"), "raw_tp/sys_enter attaches as a raw tracepoint");
        Assert.That(withoutLinks.GetTypeByMetadataName("TypedObjects")!.GetMembers("AttachRecordTyped"), Is.Empty);
        Assert.That(withoutLinks.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning), Is.Empty);
        Assert.That(result.Diagnostics, Is.Empty);
    }

    [TestCase("tracepoint/syscalls/sys_enter_openat", "PerfEventLink")]
    [TestCase("?tp/sched/sched_process_exec", "PerfEventLink")]
    [TestCase("kretprobe/do_unlinkat", "PerfEventLink")]
    [TestCase("ksyscall/openat", "PerfEventLink")]
    [TestCase("uprobe//usr/lib/x86_64-linux-gnu/libc.so.6:malloc", "PerfEventLink")]
    [TestCase("raw_tp/sys_enter", "RawTracepointLink")]
    [TestCase("tp_btf/sched_switch", "TracingLink")]
    [TestCase("fentry.s/do_unlinkat", "TracingLink")]
    [TestCase("lsm/file_open", "TracingLink")]
    [TestCase("iter/task", "IterLink")]
    [TestCase("kprobe.multi/tcp_*", "KprobeMultiLink")]
    [TestCase("uretprobe.multi//bin/bash:readline", "UprobeMultiLink")]
    [TestCase("kprobe.session/tcp_*", "KprobeMultiLink")]
    [TestCase("uprobe.session//bin/bash:readline", "UprobeMultiLink")]
    [TestCase("uprobe.session.s//bin/bash:readline", "UprobeMultiLink")]
    [TestCase("usdt//usr/bin/python3.11:python:function__entry", "UsdtLink")]
    [TestCase("xdp", null)]
    [TestCase("tc/ingress", null)]
    [TestCase("cgroup_skb/egress", null)]
    [TestCase("freplace/verdict", null)]
    [TestCase("struct_ops/init", null)]
    [TestCase("kprobe/", null)]
    [TestCase("uprobe", null)]
    public void TypedAttachMethodsReturnTheLinkOfTheSection(string section, string? link) =>
        Assert.That(Ebpf.Specs.CSharp.TypedObjectWriter.SectionLinkType(section), Is.EqualTo(link));

    internal static (GeneratorDriverRunResult Result, Compilation Compilation) Run(string objectPath, Dictionary<string, string> metadata, bool withKernel = true,
        bool withLinks = true)
    {
        var references = AllReferences.Value
            .Where(r => withKernel || !Path.GetFileName(r.FilePath!).StartsWith("Ebpf.Kernel", StringComparison.Ordinal))
            .Where(r => withLinks || !(Path.GetFileName(r.FilePath!).StartsWith("Ebpf.Links", StringComparison.Ordinal)
                || Path.GetFileName(r.FilePath!).StartsWith("Ebpf.Hosting", StringComparison.Ordinal)));
        var compilation = CSharpCompilation.Create(
            "Consumer",
            [CSharpSyntaxTree.ParseText("namespace Consumer { internal static class Empty { } }")],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var options = new Dictionary<string, string>(metadata) { ["EbpfObject"] = "true" };
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new BpfObjectGenerator().AsSourceGenerator()],
            [new ObjectFile(objectPath)],
            optionsProvider: new Options(options));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output);
    }

    private sealed class ObjectFile(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) => null;
    }

    private sealed class Options(Dictionary<string, string> metadata) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values([]);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            new Values(metadata.ToDictionary(kv => "build_metadata.AdditionalFiles." + kv.Key, kv => kv.Value));
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
