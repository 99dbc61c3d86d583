using System.Text.Json.Serialization;

namespace Ebpf.Cli.Inspect;

/// <summary>One program of an inspected object.</summary>
/// <param name="Name">The program's function name.</param>
/// <param name="Section">The ELF section it came from.</param>
/// <param name="Type">The program type, bpftool's spelling (<c>tracepoint</c>, <c>sched_cls</c>).</param>
/// <param name="AttachType">The expected attach type, bpftool's spelling, or null.</param>
/// <param name="Instructions">
/// Number of 8-byte instruction slots of the program's own function, before linking: libbpf's
/// <c>bpf_program__insn_cnt</c> after <c>bpf_object__open</c>.
/// </param>
/// <param name="LinkedInstructions">Number of 8-byte instruction slots once linked, the subprograms it calls appended: what the kernel gets.</param>
public sealed record InspectedProgram(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("section")] string? Section,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("attach_type")] string? AttachType,
    [property: JsonPropertyName("instructions")] int Instructions,
    [property: JsonPropertyName("linked_instructions")] int LinkedInstructions);
