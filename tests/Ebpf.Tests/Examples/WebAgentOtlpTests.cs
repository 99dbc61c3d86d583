using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ebpf.Tests.Examples;

/// <summary>
/// examples/WebAgent sends its metrics over OTLP when <c>WebAgent:OtlpEndpoint</c> is set: a loopback listener stands
/// in for the collector (OTLP over HTTP with protobuf, chosen by the exporter's own environment variables).
/// </summary>
[Category("Kernel")]
public sealed class WebAgentOtlpTests
{
    private static readonly TimeSpan Timeout = TestTimeouts.Scaled(TimeSpan.FromSeconds(30));

    [Test]
    public async Task Metrics_reach_the_configured_otlp_endpoint()
    {
        int port = FreeLoopbackPort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var environment = new Dictionary<string, string>
        {
            ["WebAgent__OtlpEndpoint"] = $"http://127.0.0.1:{port}/v1/metrics",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        };
        using var agent = ExampleProcess.Start("WebAgent", environment, "--urls", $"http://127.0.0.1:{FreeLoopbackPort()}");

        using var cancel = new CancellationTokenSource(Timeout);
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await collector.GetContextAsync().WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no OTLP export with the agent's metrics within {Timeout}; agent output:\n{agent.Output}");
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, cancel.Token);
            context.Response.StatusCode = 200;
            context.Response.Close();
            Assert.That(context.Request.Url!.AbsolutePath, Is.EqualTo("/v1/metrics"));
            Assert.That(context.Request.ContentType, Is.EqualTo("application/x-protobuf"));

            // Protobuf keeps strings as UTF-8: the instrument names are in the export request as they are.
            string text = Encoding.UTF8.GetString(body.ToArray());
            if (text.Contains("ebpf.collection.loads", StringComparison.Ordinal) && text.Contains("webagent.process.execs", StringComparison.Ordinal))
            {
                Assert.That(text, Does.Contain("ebpf.links.attached").And.Contain("webagent.syscalls.timed"));
                return;
            }

            using var exec = System.Diagnostics.Process.Start("/bin/true"); // an exec to count, on a quiet machine
            await exec.WaitForExitAsync(cancel.Token);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
