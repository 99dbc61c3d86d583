using System.Text.RegularExpressions;

namespace Ebpf.Tests.Architecture;

/// <summary>
/// The one-way layer table of docs/ARCHITECTURE.md, a checker for a project reference graph, and readers of the same
/// table in that document and in build/Ebpf.Layers.props (<see cref="LayerTableTests"/> keeps the three equal).
/// </summary>
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

    /// <summary>
    /// Reads the layer table of docs/ARCHITECTURE.md: the Markdown table whose header starts <c>| layer |</c>, its first
    /// column the layer and its last the layers it may reference (comma-separated, in backticks; <c>—</c> for none).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> FromDocument(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int header = Array.FindIndex(lines, l => l.StartsWith("| layer |", StringComparison.Ordinal));
        if (header < 0)
        {
            throw new FormatException("no table whose header starts '| layer |'");
        }

        var table = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var row in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = row.Trim().Trim('|').Split('|');
            string layer = Unquote(cells[0]);
            string references = cells[^1].Trim();
            table.Add(layer, references is "—" or "" ? [] : references.Split(',').Select(Unquote).ToArray());
        }

        return table;
    }

    /// <summary>
    /// Reads the layer table of build/Ebpf.Layers.props: the layers named by <c>EbpfIsLayer</c>, each with the
    /// <c>EbpfAllowedReferences</c> of its condition (none when it has no such line).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> FromProps(string props)
    {
        var layers = Regex.Match(props, @"<EbpfIsLayer Condition=""\$\(\[System\.String\]::new\('([^']*)'\)");
        if (!layers.Success)
        {
            throw new FormatException("no EbpfIsLayer list");
        }

        var table = layers.Groups[1].Value.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l, _ => Array.Empty<string>(), StringComparer.Ordinal);
        foreach (Match allowed in Regex.Matches(props, @"<EbpfAllowedReferences Condition=""'\$\(MSBuildProjectName\)' == '([^']+)'"">([^<]*)</EbpfAllowedReferences>"))
        {
            string layer = allowed.Groups[1].Value;
            if (!table.ContainsKey(layer))
            {
                throw new FormatException($"{layer} has allowed references but is not in EbpfIsLayer");
            }

            table[layer] = allowed.Groups[2].Value.Split(';', StringSplitOptions.RemoveEmptyEntries);
        }

        return table;
    }

    private static string Unquote(string cell) => cell.Trim().Trim('`');
}
