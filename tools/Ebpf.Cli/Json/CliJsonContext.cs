using System.Text.Json;
using System.Text.Json.Serialization;
using Ebpf.Cli.Feature;
using Ebpf.Cli.Inspect;
using Ebpf.Cli.Net;

namespace Ebpf.Cli.Json;

/// <summary>
/// The <c>--json</c> outputs' serializers, written at build time by the System.Text.Json source generator: no
/// reflection at run time, so the NativeAOT binary prints what the JIT-compiled tool prints.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(InspectReport))]
[JsonSerializable(typeof(FeatureReport))]
[JsonSerializable(typeof(NetReport[]))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>The same serializers without indentation: one line per document.</summary>
    public static CliJsonContext Compact { get; } = new(new JsonSerializerOptions());
}
