using Ebpf.Cli.Gen;
using Ebpf.Specs.CSharp;
using Ebpf.Tests.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Ebpf.Tests.Cli;

/// <summary><c>ebpf gen csharp</c> writes what the source generator writes, with the same emitter.</summary>
public class GenCommandTests
{
    private static string Gen(string objectPath, TypedObjectOptions options, out string errors)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = GenCommand.Generate(new FileInfo(objectPath), options, outputFile: null, output, error);
        errors = error.ToString();
        Assert.That(code, Is.Zero, errors);
        return output.ToString();
    }

    [TestCase(true)]
    [TestCase(false)]
    public void TheOutputEqualsTheGenerators(bool embedded)
    {
        string path = TestPrograms.Path("typed");
        var options = new TypedObjectOptions
        {
            ObjectName = TypedObjectOptions.ObjectNameOf(path),
            ClassName = "TypedObjects",
            Namespace = "Ebpf.Tests.Generators",
            Types = ["typed_event"],
            Embedded = embedded,
            WithLinks = true,
        };
        string written = Gen(path, options, out _);

        var (result, _) = GeneratorSnapshotTests.Run(path, new Dictionary<string, string>
        {
            ["EbpfClassName"] = "TypedObjects",
            ["EbpfNamespace"] = "Ebpf.Tests.Generators",
            ["EbpfTypes"] = "typed_event",
            ["EbpfEmbed"] = embedded ? "true" : "false",
        });
        Assert.That(written, Is.EqualTo(result.Results.Single().GeneratedSources.Single().SourceText.ToString()));
    }

    [Test]
    public void DefaultsCompileWithoutWarningsAndTheCommandLineWritesAFile()
    {
        string path = TestPrograms.Path("typed");
        string outFile = Path.Combine(Path.GetTempPath(), $"gen-{Guid.NewGuid():N}.cs");
        try
        {
            var root = new System.CommandLine.RootCommand { GenCommand.Create() };
            int code = root.Parse(["gen", "csharp", path, "--type", "typed_event", "-o", outFile]).Invoke();
            Assert.That(code, Is.Zero);
            string source = File.ReadAllText(outFile);
            Assert.That(source, Does.Contain("public sealed partial class TypedObjects"));
            Assert.That(source, Does.Contain("\"bpf\""), "without --embedded the objects are read from bpf/");

            var compilation = CSharpCompilation.Create(
                "GenConsumer",
                [CSharpSyntaxTree.ParseText(source)],
                GeneratorSnapshotTests.AllReferences.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
            Assert.That(problems, Is.Empty);
            Assert.That(compilation.GetTypeByMetadataName("TypedObjects+TypedEvent"), Is.Not.Null);
        }
        finally
        {
            File.Delete(outFile);
        }
    }

    [Test]
    public void AnUnknownTypeIsReportedWithExitCode2()
    {
        var error = new StringWriter();
        int code = GenCommand.Generate(new FileInfo(TestPrograms.Path("typed")), new TypedObjectOptions { ObjectName = "typed", Types = ["no_such_type"] }, null, new StringWriter(), error);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("no_such_type"));
    }

    [Test]
    public void ABrokenFileIsExitCode1()
    {
        string path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.o");
        File.WriteAllBytes(path, [1, 2, 3]);
        try
        {
            var error = new StringWriter();
            Assert.That(GenCommand.Generate(new FileInfo(path), new TypedObjectOptions { ObjectName = "broken" }, null, new StringWriter(), error), Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("ebpf gen csharp"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("execsnoop.bpfel.o", "execsnoop")]
    [TestCase("probe.bpf.o", "probe")]
    [TestCase("x.o", "x")]
    public void TheObjectNameComesFromTheFileName(string file, string name) =>
        Assert.That(TypedObjectOptions.ObjectNameOf("/tmp/" + file), Is.EqualTo(name));
}
