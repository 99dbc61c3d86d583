using System.Text.Json.Serialization;

namespace Ebpf.Cli.Inspect;

/// <summary>One map of an inspected object.</summary>
/// <param name="Name">The map's name.</param>
/// <param name="Section">The ELF section it came from.</param>
/// <param name="Type">The map type, bpftool's spelling (<c>hash</c>, <c>ringbuf</c>).</param>
/// <param name="KeySize">Key size in bytes.</param>
/// <param name="ValueSize">Value size in bytes.</param>
/// <param name="MaxEntries">Maximum number of entries.</param>
/// <param name="Flags">The <c>map_flags</c> value.</param>
public sealed record InspectedMap(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("section")] string? Section,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("key_size")] uint KeySize,
    [property: JsonPropertyName("value_size")] uint ValueSize,
    [property: JsonPropertyName("max_entries")] uint MaxEntries,
    [property: JsonPropertyName("flags")] uint Flags);
