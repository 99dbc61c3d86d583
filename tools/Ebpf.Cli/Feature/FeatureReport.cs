using System.Text.Json.Serialization;

namespace Ebpf.Cli.Feature;

/// <summary><c>ebpf feature probe --json</c>: the sections and keys of <c>bpftool feature probe kernel --json</c>.</summary>
/// <param name="SyscallConfig"><c>have_bpf_syscall</c>.</param>
/// <param name="ProgramTypes"><c>have_X_prog_type</c> per program type.</param>
/// <param name="MapTypes"><c>have_X_map_type</c> per map type.</param>
/// <param name="Helpers"><c>X_available_helpers</c>: the helper names per program type that can be probed.</param>
/// <param name="Misc">The miscellaneous features (<c>have_large_insn_limit</c>, ...).</param>
internal sealed record FeatureReport(
    [property: JsonPropertyName("syscall_config")] Dictionary<string, bool> SyscallConfig,
    [property: JsonPropertyName("program_types")] Dictionary<string, bool> ProgramTypes,
    [property: JsonPropertyName("map_types")] Dictionary<string, bool> MapTypes,
    [property: JsonPropertyName("helpers")] Dictionary<string, string[]> Helpers,
    [property: JsonPropertyName("misc")] Dictionary<string, bool> Misc);
