using System.CommandLine;
using System.Text.Json;
using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Cli.Feature;

/// <summary><c>ebpf feature probe [--json]</c>: which program and map types the running kernel supports.</summary>
public static class FeatureCommand
{
    /// <summary>Creates the <c>feature</c> command group.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var probe = new Command("probe", "Probe the kernel's BPF program and map types.") { json };
        probe.SetAction(result => Probe(Features.Default, result.GetValue(json), Console.Out));
        return new Command("feature", "Inspect what the kernel supports.") { probe };
    }

    /// <summary>Runs every program and map type probe and writes the results.</summary>
    /// <returns>The process exit code.</returns>
    public static int Probe(Features features, bool json, TextWriter output)
    {
        var programs = Enum.GetValues<BpfProgramType>().Distinct().Where(t => t != BpfProgramType.Unspec)
            .ToDictionary(t => KernelNames.Of(t), t => Features.IsSupported(() => features.HaveProgramType(t)));
        var maps = Enum.GetValues<BpfMapType>().Distinct().Where(t => t != BpfMapType.Unspec)
            .ToDictionary(t => KernelNames.Of(t), t => Features.IsSupported(() => features.HaveMapType(t)));
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, bool>>
            {
                ["program_types"] = programs,
                ["map_types"] = maps,
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }

        output.WriteLine("Scanning eBPF program types...");
        foreach (var (name, ok) in programs)
        {
            output.WriteLine($"eBPF program_type {ProbeName(name, "BPF_PROG_TYPE_")} is {(ok ? "" : "NOT ")}available");
        }

        output.WriteLine();
        output.WriteLine("Scanning eBPF map types...");
        foreach (var (name, ok) in maps)
        {
            output.WriteLine($"eBPF map_type {ProbeName(name, "BPF_MAP_TYPE_")} is {(ok ? "" : "NOT ")}available");
        }

        return 0;
    }

    /// <summary>bpftool's spelling of a type: the C name without its prefix, in lower case.</summary>
    private static string ProbeName(string cName, string prefix) =>
        (cName.StartsWith(prefix, StringComparison.Ordinal) ? cName[prefix.Length..] : cName).ToLowerInvariant();
}
