using System.Text.Json;

namespace Ebpf.Tests.Specs;

/// <summary>
/// What the installed libbpf makes of a BPF object (<c>bpf_object__open</c>, no kernel needed), through the
/// harness tests/native/libbpf_open.c compiled once with gcc against <c>-lbpf</c>.
/// </summary>
/// <param name="Version">libbpf's version, <c>MAJOR.MINOR</c>.</param>
/// <param name="Maps">The maps, in libbpf's order.</param>
/// <param name="Programs">The programs, in libbpf's order.</param>
public sealed record LibbpfObject(Version Version, IReadOnlyList<LibbpfMap> Maps, IReadOnlyList<LibbpfProgram> Programs)
{
    private static readonly Lazy<string> Harness = new(BuildHarness);

    /// <summary>Opens <paramref name="path"/> with libbpf; null when libbpf refuses the object (its message in <paramref name="error"/>).</summary>
    public static LibbpfObject? TryOpen(string path, out string error)
    {
        var (exitCode, output, stderr) = ExternalTool.Execute(Harness.Value, path);
        error = stderr;
        if (exitCode != 0)
        {
            return null;
        }

        Version version = new(0, 0);
        var maps = new List<LibbpfMap>();
        var programs = new List<LibbpfProgram>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.TryGetProperty("libbpf", out var v))
            {
                version = Version.Parse(v.GetString()!);
            }
            else if (root.TryGetProperty("map", out var name))
            {
                LibbpfMapShape? inner = root.TryGetProperty("inner", out var i) ? Shape(i) : null;
                maps.Add(new LibbpfMap(
                    name.GetString()!, Shape(root), root.GetProperty("numa_node").GetUInt32(), root.GetProperty("map_extra").GetUInt64(),
                    root.GetProperty("pinned").GetBoolean(), root.GetProperty("internal").GetBoolean(), inner));
            }
            else
            {
                programs.Add(new LibbpfProgram(
                    root.GetProperty("program").GetString()!, root.GetProperty("section").GetString()!, root.GetProperty("type").GetUInt32(),
                    root.GetProperty("attach_type").GetUInt32(), root.GetProperty("insns").GetInt32(), root.GetProperty("autoload").GetBoolean()));
            }
        }

        return new LibbpfObject(version, maps, programs);
    }

    private static LibbpfMapShape Shape(JsonElement e) => new(
        e.GetProperty("type").GetUInt32(), e.GetProperty("key_size").GetUInt32(), e.GetProperty("value_size").GetUInt32(),
        e.GetProperty("max_entries").GetUInt32(), e.GetProperty("map_flags").GetUInt32());

    private static string BuildHarness() =>
        LibbpfHarness.Build(File.ReadAllText(Path.Combine(TestPrograms.RepoRoot, "tests", "native", "libbpf_open.c")));
}
