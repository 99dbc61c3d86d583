using System.Text.Json.Serialization;

namespace Ebpf.Cli.Net;

/// <summary>A <c>cls_bpf</c> filter of a device's clsact qdisc, as bpftool's <c>tc</c> entries name it.</summary>
/// <param name="Device">The device name.</param>
/// <param name="IfIndex">The device's interface index.</param>
/// <param name="Kind"><c>clsact/ingress</c> or <c>clsact/egress</c>.</param>
/// <param name="Name">The filter's name (the program's), empty when it has none.</param>
/// <param name="Id">The program id.</param>
internal sealed record NetTcEntry(
    [property: JsonPropertyName("devname")] string Device,
    [property: JsonPropertyName("ifindex")] int IfIndex,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("id")] uint Id);
