using System.Text.Json;

namespace Ebpf.Tests.Specs;

// tests/SpecsOnlyConsole references only Ebpf.Specs: reading an object must not need the kernel layers.
public class SpecsOnlyConsoleTests
{
    private static string OutputDirectory =>
        Path.Combine(TestPrograms.RepoRoot, "tests", "SpecsOnlyConsole",
            Path.GetRelativePath(Path.Combine(TestPrograms.RepoRoot, "tests", "Ebpf.Tests"), AppContext.BaseDirectory));

    [Test]
    public void TheConsoleReferencesOnlyEbpfSpecs()
    {
        var graph = Ebpf.Tests.Architecture.LayerRules.ReadGraph(Path.Combine(TestPrograms.RepoRoot, "tests", "SpecsOnlyConsole"));
        Assert.That(graph["SpecsOnlyConsole"], Is.EqualTo(new[] { "Ebpf.Specs" }));

        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(OutputDirectory, "SpecsOnlyConsole.deps.json")));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
        Assert.That(libraries, Does.Contain("Ebpf.Specs"));
        Assert.That(libraries, Has.None.StartsWith("Ebpf.Kernel").And.None.StartsWith("Ebpf.Links").And.None.StartsWith("Ebpf.Hosting"));
        Assert.That(File.Exists(Path.Combine(OutputDirectory, "Ebpf.Kernel.dll")), Is.False);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TheConsolePrintsTheProgramsOfAnObject(bool bigEndian)
    {
        string obj = TestPrograms.Path("ringbuf", bigEndian);
        string output = ExternalTool.Run("dotnet", Path.Combine(OutputDirectory, "SpecsOnlyConsole.dll"), obj);
        var expected = CollectionSpec.Load(obj).Programs.Values.OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name} {p.SectionName} {p.Type}");
        Assert.That(output.TrimEnd('\n').Split('\n'), Is.EqualTo(expected));
        Assert.That(output, Does.StartWith("ringbuf_output xdp Xdp\n"));
    }
}
