using System.Text.Json.Serialization;

namespace Ebpf.Cli.Inspect;

/// <summary>One global variable of an inspected object.</summary>
/// <param name="Name">The variable's name.</param>
/// <param name="Map">The global data map holding it.</param>
/// <param name="Section">That map's ELF section (<c>.data</c>, <c>.rodata</c>, ...).</param>
/// <param name="Offset">Byte offset in the map's value.</param>
/// <param name="Size">Size in bytes.</param>
public sealed record InspectedVariable(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("map")] string Map,
    [property: JsonPropertyName("section")] string? Section,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("size")] int Size);
