namespace Ebpf.Tests.Architecture;

public class LayerReferenceTests
{
    [Test]
    public void RepositoryReferencesPointDownTheLayerTable()
    {
        var graph = LayerRules.ReadGraph(TestPrograms.RepoRoot);
        Assert.That(graph.Keys, Is.SupersetOf(LayerRules.Allowed.Keys), "every layer project exists");
        Assert.That(LayerRules.Violations(graph), Is.Empty);
    }

    [Test]
    public void FabricatedUpwardReferenceIsReported()
    {
        var graph = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Ebpf.Asm"] = ["Ebpf.Btf"],
            ["Ebpf.Btf"] = ["Ebpf.Asm", "Ebpf.Elf"],
            ["Ebpf.Specs"] = ["Ebpf.Kernel"],
            ["Ebpf.Kernel"] = ["Ebpf.Specs"],
            ["Ebpf.Cli"] = ["Ebpf.Hosting"],
        };

        Assert.That(LayerRules.Violations(graph), Is.EquivalentTo(new[] { "Ebpf.Asm -> Ebpf.Btf", "Ebpf.Specs -> Ebpf.Kernel" }));
    }

    [Test]
    public void SiblingBottomLayersMayNotReferenceEachOther()
    {
        var graph = new Dictionary<string, IReadOnlyList<string>> { ["Ebpf.Elf"] = ["Ebpf.Asm"] };
        Assert.That(LayerRules.Violations(graph), Is.EqualTo(new[] { "Ebpf.Elf -> Ebpf.Asm" }));
    }

    [Test]
    public void BuildRejectsAWrongReference()
    {
        // The MSBuild guard (build/Ebpf.Build.targets) holds the same table as LayerRules.
        var props = File.ReadAllText(Path.Combine(TestPrograms.RepoRoot, "build", "Ebpf.Layers.props"));
        foreach (var (layer, allowed) in LayerRules.Allowed.Where(kv => kv.Value.Length > 0))
        {
            Assert.That(props, Does.Contain($"'$(MSBuildProjectName)' == '{layer}'\">{string.Join(';', allowed)}<"), layer);
        }
    }
}
