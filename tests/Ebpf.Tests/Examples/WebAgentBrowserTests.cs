using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Ebpf.Tests.Examples;

/// <summary>
/// Runs examples/WebAgent on a free loopback port, opens its live page in headless Chromium (Debian's, at
/// /usr/bin/chromium, driven by Playwright), starts processes and checks that they appear on the page and in
/// /metrics. A screenshot of the page is attached to the test result.
/// </summary>
[Category("Kernel")]
[Category("Browser")]
public sealed partial class WebAgentBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan StartTimeout = TestTimeouts.Scaled(TimeSpan.FromSeconds(30));
    private static readonly TimeSpan SeenTimeout = TestTimeouts.Scaled(TimeSpan.FromSeconds(20));

    [Test]
    [CancelAfter(120_000)]
    public async Task The_live_page_and_metrics_show_processes_that_ran()
    {
        Assert.That(File.Exists(Chromium), Is.True,
            $"{Chromium} is missing: install Debian's browser with `apt-get install -y chromium` (.ci/run installs it)");
        string url = $"http://127.0.0.1:{FreeLoopbackPort()}/";
        using var agent = ExampleProcess.Start("WebAgent", "--urls", url);
        agent.WaitForOutput("Now listening on", StartTimeout);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 1000 } });
        await page.GotoAsync(url);
        await page.Locator("#status", new PageLocatorOptions { HasText = "collection Loaded" }).WaitForAsync(new LocatorWaitForOptions { Timeout = Milliseconds(StartTimeout) });

        // A copy of /bin/true with a name of our own, so its rows are ours whatever else runs on the machine.
        string directory = Directory.CreateTempSubdirectory("webagent-").FullName;
        try
        {
            string name = "wa-" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
            string probe = Path.Combine(directory, name);
            File.Copy("/bin/true", probe); // keeps its mode: executable

            int runs = await RunUntilShown(probe, page.Locator("#events tr.exec td.detail", new PageLocatorOptions { HasText = probe }), agent);
            Assert.That(await page.Locator("#events tr.exit td", new PageLocatorOptions { HasTextRegex = new Regex("^" + name + "$") }).CountAsync(), Is.GreaterThan(0),
                "no exit row for " + name);
            await page.Locator("#histogram svg rect.bar").First.WaitForAsync(new LocatorWaitForOptions { Timeout = Milliseconds(SeenTimeout) });
            Assert.That(await page.Locator("#syscalls").TextContentAsync(), Is.Not.EqualTo("0"));

            string screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "webagent-live-page.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            TestContext.AddTestAttachment(screenshot, "the WebAgent's live page after the test's processes ran");

            using var http = new HttpClient { BaseAddress = new Uri(url) };
            string metrics = await http.GetStringAsync("metrics");
            Assert.That(Sample(metrics, "webagent_process_execs_total"), Is.GreaterThanOrEqualTo(runs), metrics);
            Assert.That(Sample(metrics, "webagent_process_exits_total"), Is.GreaterThanOrEqualTo(runs), metrics);
            Assert.That(Sample(metrics, "webagent_process_lifetime_seconds_count"), Is.GreaterThanOrEqualTo(runs), metrics);
            Assert.That(Sample(metrics, "webagent_syscalls_timed_total"), Is.GreaterThan(0), metrics);
            Assert.That(Sample(metrics, "ebpf_events_read_total", "ebpf_source=\"webagent/events\""), Is.GreaterThanOrEqualTo(2 * runs), metrics);
            Assert.That(Sample(metrics, "ebpf_collection_loads_total", "ebpf_outcome=\"loaded\""), Is.EqualTo(1), metrics);
            Assert.That(Sample(metrics, "ebpf_links_attached_total", "ebpf_collection=\"webagent\""), Is.EqualTo(4), metrics);
            Assert.That(await http.GetStringAsync("healthz"), Does.StartWith("Healthy\nebpf: Healthy: eBPF collection webagent: loaded, 4 links attached"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Runs the probe once a second until the page shows it (a busy machine pushes rows out of the table quickly).
    private static async Task<int> RunUntilShown(string probe, ILocator row, ExampleProcess agent)
    {
        var clock = Stopwatch.StartNew();
        for (int runs = 1; ; runs++)
        {
            using (var process = Process.Start(probe))
            {
                await process.WaitForExitAsync();
            }

            try
            {
                await row.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 1500 });
                return runs;
            }
            catch (TimeoutException) when (clock.Elapsed < SeenTimeout && !agent.HasExited)
            {
            }
            catch (TimeoutException)
            {
                Assert.Fail($"the page did not show {probe} after {runs} runs; agent output:\n{agent.Output}");
            }
        }
    }

    // The value of the first sample of metric `name` (exactly that name) whose labels contain `label`.
    private static double Sample(string metrics, string name, string label = "")
    {
        foreach (Match match in SampleLine().Matches(metrics))
        {
            if (match.Groups["name"].Value == name && match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail($"no sample {name}{{{label}}} in /metrics");
        return 0;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static float Milliseconds(TimeSpan time) => (float)time.TotalMilliseconds;

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
