// A web agent on the eBPF hosting layer: it traces process execs and exits and system call latency on this machine
// (tracepoints and raw tracepoints, webagent.bpf.c) and serves
//   /         a live page: the recent process events and the latency histogram, updated every second (Server-Sent Events)
//   /metrics  Prometheus metrics (OpenTelemetry): the SDK's Ebpf meter and this agent's WebAgent meter
//   /healthz  whether the collection is loaded and its links attached
//
//   sudo dotnet run --project examples/WebAgent -c Release        # then open http://localhost:5080/
// Settings: appsettings.json, section WebAgent, or environment variables such as WebAgent__Pid=1234.
using Ebpf.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WebAgent.Live;
using WebAgent.Options;
using WebAgent.Telemetry;
using WebAgent.Tracing;

// Settings are read beside the assembly (appsettings.json), whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
builder.Services.AddOptions<AgentOptions>().Bind(builder.Configuration.GetSection(AgentOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
builder.Services.AddEbpf(builder.Configuration);
builder.Services.AddAgentCollection();
builder.Services.AddAgentTelemetry(builder.Configuration);
builder.Services.AddSingleton<RecentEvents>();
builder.Services.AddSingleton<LiveFeed>();

var app = builder.Build();
if (SettingsErrors(app.Services) is { } errors)
{
    Console.Error.WriteLine("WebAgent: invalid settings:");
    foreach (string error in errors)
    {
        Console.Error.WriteLine("  " + error);
    }

    return 2;
}

app.MapGet("/", () => Results.Stream(typeof(LiveFeed).Assembly.GetManifestResourceStream("index.html")!, "text/html; charset=utf-8"));
app.MapGet("/live", (LiveFeed feed, CancellationToken cancellationToken) =>
    TypedResults.ServerSentEvents(feed.Snapshots(cancellationToken), eventType: "snapshot"));
app.MapPrometheusScrapingEndpoint(); // /metrics
app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealth });

await app.RunAsync();
return 0;

// The options are bound and validated now, before the host starts (ValidateOnStart would do it at start, with the
// host's own error log and stack trace): null when they are fine, else one line per problem.
static IEnumerable<string>? SettingsErrors(IServiceProvider services)
{
    try
    {
        _ = services.GetRequiredService<IOptions<AgentOptions>>().Value;
        return null;
    }
    catch (OptionsValidationException e)
    {
        return e.Failures;
    }
    catch (InvalidOperationException e)
    {
        return [e.Message]; // a value the binder cannot convert, e.g. WebAgent:Probes=Bogus
    }
}

static Task WriteHealth(HttpContext context, HealthReport report) =>
    context.Response.WriteAsync(string.Join('\n', [report.Status.ToString(), .. report.Entries.Select(e => $"{e.Key}: {e.Value.Status}: {e.Value.Description}")]) + "\n");
