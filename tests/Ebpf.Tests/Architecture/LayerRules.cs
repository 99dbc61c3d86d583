namespace Ebpf.Tests.Architecture;

/// <summary>The one-way layer table of DEVELOPERS.md, and a checker for a project reference graph.</summary>
public static class LayerRules
{
    /// <summary>Each layer and the layers it may reference directly.</summary>
    public static IReadOnlyDictionary<string, string[]> Allowed { get; } = new Dictionary<string, string[]>
    {
        ["Ebpf.Asm"] = [],
        ["Ebpf.Elf"] = [],
        ["Ebpf.Btf"] = ["Ebpf.Asm", "Ebpf.Elf"],
        ["Ebpf.Specs"] = ["Ebpf.Asm", "Ebpf.Elf", "Ebpf.Btf"],
        ["Ebpf.Kernel"] = ["Ebpf.Asm", "Ebpf.Elf", "Ebpf.Btf", "Ebpf.Specs"],
        ["Ebpf.Links"] = ["Ebpf.Asm", "Ebpf.Elf", "Ebpf.Btf", "Ebpf.Specs", "Ebpf.Kernel"],
        ["Ebpf.Hosting"] = ["Ebpf.Asm", "Ebpf.Elf", "Ebpf.Btf", "Ebpf.Specs", "Ebpf.Kernel", "Ebpf.Links"],
        ["Ebpf.Generators"] = ["Ebpf.Asm", "Ebpf.Elf", "Ebpf.Btf", "Ebpf.Specs"],
    };

    /// <summary>Every edge of <paramref name="graph"/> (project -> referenced projects) that breaks the table.</summary>
    public static IReadOnlyList<string> Violations(IReadOnlyDictionary<string, IReadOnlyList<string>> graph)
    {
        var violations = new List<string>();
        foreach (var (project, references) in graph)
        {
            if (!Allowed.TryGetValue(project, out var allowed))
            {
                continue; // tools, tests and examples may reference any layer
            }

            foreach (var reference in references)
            {
                if (!allowed.Contains(reference))
                {
                    violations.Add($"{project} -> {reference}");
                }
            }
        }

        return violations;
    }

    /// <summary>Reads the ProjectReference graph of every project under <paramref name="root"/>.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadGraph(string root)
    {
        var graph = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var csproj in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories))
        {
            if (csproj.Contains("/obj/", StringComparison.Ordinal) || csproj.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            var doc = System.Xml.Linq.XDocument.Load(csproj);
            graph[Path.GetFileNameWithoutExtension(csproj)] = doc.Descendants()
                .Where(e => e.Name.LocalName == "ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')))
                .ToArray();
        }

        return graph;
    }
}
