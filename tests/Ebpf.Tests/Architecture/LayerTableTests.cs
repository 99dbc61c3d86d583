namespace Ebpf.Tests.Architecture;

/// <summary>The layer table exists once in prose (docs/ARCHITECTURE.md) and twice in code; the three must not drift.</summary>
public class LayerTableTests
{
    private static string Document => File.ReadAllText(Path.Combine(TestPrograms.RepoRoot, "docs", "ARCHITECTURE.md"));

    private static string Props => File.ReadAllText(Path.Combine(TestPrograms.RepoRoot, "build", "Ebpf.Layers.props"));

    [Test]
    public void TheDocumentedTableIsTheOneTheBuildEnforces()
    {
        var documented = LayerRules.FromDocument(Document);
        var built = LayerRules.FromProps(Props);
        using var scope = Assert.EnterMultipleScope();
        Assert.That(Describe(documented), Is.EqualTo(Describe(built)), "docs/ARCHITECTURE.md vs build/Ebpf.Layers.props");
        Assert.That(Describe(documented), Is.EqualTo(Describe(LayerRules.Allowed)), "docs/ARCHITECTURE.md vs LayerRules");
    }

    [Test]
    public void TheDocumentedTableListsLayersInReferenceOrder()
    {
        // Each layer references only layers above it in the table, so the table reads top-down.
        var documented = LayerRules.FromDocument(Document);
        var seen = new List<string>();
        foreach (var (layer, references) in documented)
        {
            Assert.That(references, Is.SubsetOf(seen), layer);
            seen.Add(layer);
        }
    }

    [Test]
    public void ADocumentThatDiffersIsSeen()
    {
        const string Fabricated = """
            # Architecture

            | layer | holds | may reference |
            |---|---|---|
            | `Ebpf.Asm` | instructions | — |
            | `Ebpf.Elf` | ELF | — |
            | `Ebpf.Btf` | BTF | `Ebpf.Asm`, `Ebpf.Elf`, `Ebpf.Kernel` |

            After the table.
            """;
        var table = LayerRules.FromDocument(Fabricated);
        Assert.That(Describe(table), Is.EqualTo(new[] { "Ebpf.Asm -> ", "Ebpf.Btf -> Ebpf.Asm, Ebpf.Elf, Ebpf.Kernel", "Ebpf.Elf -> " }));
        Assert.That(Describe(table), Is.Not.EqualTo(Describe(LayerRules.FromProps(Props))));
    }

    [Test]
    public void PropsReadingGivesLayersWithoutAllowedReferencesNone()
    {
        var built = LayerRules.FromProps(Props);
        Assert.That(built["Ebpf.Asm"], Is.Empty);
        Assert.That(built["Ebpf.Hosting"], Does.Contain("Ebpf.Links"));
    }

    /// <summary>One line per layer, sorted, so a difference shows as text.</summary>
    private static string[] Describe(IReadOnlyDictionary<string, string[]> table) =>
        table.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} -> {string.Join(", ", kv.Value.Order(StringComparer.Ordinal))}")
            .ToArray();
}
