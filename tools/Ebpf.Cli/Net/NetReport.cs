using System.Text.Json.Serialization;

namespace Ebpf.Cli.Net;

/// <summary><c>ebpf net show --json</c>: the <c>xdp</c> and <c>tc</c> sections of <c>bpftool net show --json</c>.</summary>
/// <param name="Xdp">The XDP programs per device and mode.</param>
/// <param name="Tc">The clsact filters per device and direction.</param>
internal sealed record NetReport(
    [property: JsonPropertyName("xdp")] IReadOnlyList<NetXdpEntry> Xdp,
    [property: JsonPropertyName("tc")] IReadOnlyList<NetTcEntry> Tc);
