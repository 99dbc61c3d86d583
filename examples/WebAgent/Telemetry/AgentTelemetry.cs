using Ebpf.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using WebAgent.Options;

namespace WebAgent.Telemetry;

/// <summary>Metrics through OpenTelemetry: the SDK's <c>Ebpf</c> meter and the <c>WebAgent</c> meter, on /metrics and optionally over OTLP.</summary>
internal static class AgentTelemetry
{
    public static IServiceCollection AddAgentTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<AgentMetrics>();
        string? otlp = configuration[$"{AgentOptions.SectionName}:{nameof(AgentOptions.OtlpEndpoint)}"];
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("webagent")).WithMetrics(metrics =>
        {
            metrics.AddMeter(EbpfMetrics.MeterName, AgentMetrics.MeterName).AddPrometheusExporter();
            if (!string.IsNullOrEmpty(otlp) && Uri.TryCreate(otlp, UriKind.Absolute, out var endpoint))
            {
                metrics.AddOtlpExporter(exporter => exporter.Endpoint = endpoint); // checked at start by AgentOptionsValidator
            }
        });
        return services;
    }
}
