using System.Text.Json.Serialization;

namespace Ebpf.Cli.Net;

/// <summary>An XDP program attached to a device, as bpftool's <c>xdp</c> entries name it.</summary>
/// <param name="Device">The device name.</param>
/// <param name="IfIndex">The device's interface index.</param>
/// <param name="Mode"><c>generic</c>, <c>driver</c> or <c>offload</c>.</param>
/// <param name="Id">The program id.</param>
internal sealed record NetXdpEntry(
    [property: JsonPropertyName("devname")] string Device,
    [property: JsonPropertyName("ifindex")] int IfIndex,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("id")] uint Id);
