namespace Ebpf.Tests.Examples;

/// <summary>
/// examples/WebAgent refuses bad settings at start, before it touches the kernel: one line per setting, naming it,
/// its value and what is allowed, from the command line and from environment variables alike.
/// </summary>
public sealed class WebAgentSettingsTests
{
    private static readonly TimeSpan Timeout = TestTimeouts.Scaled(TimeSpan.FromSeconds(30));

    [Test]
    public void Bad_settings_stop_the_start_with_one_line_each()
    {
        var environment = new Dictionary<string, string>
        {
            ["WebAgent__Pid"] = "-1",
            ["WebAgent__OtlpEndpoint"] = "collector:4317",
        };
        using var agent = ExampleProcess.Start("WebAgent", environment,
            "--urls", "http://127.0.0.1:0", "--WebAgent:Probes=None", "--WebAgent:RingBufferSize=1000", "--WebAgent:EventRows=0");
        Assert.That(agent.WaitForExit(Timeout), Is.EqualTo(2), agent.Output);
        string output = agent.Output;
        Assert.That(output, Does.Contain("WebAgent: invalid settings:"));
        Assert.That(output, Does.Contain("WebAgent:Probes is 'None': name one or more of Exec, Exit, SyscallLatency"));
        Assert.That(output, Does.Contain("WebAgent:Pid is -1: give a process id, or 0 for every process"));
        Assert.That(output, Does.Contain($"WebAgent:RingBufferSize is 1000: the kernel needs a power of two of at least {Environment.SystemPageSize} bytes"));
        Assert.That(output, Does.Contain("WebAgent:EventRows is 0: give 1 to 1000"));
        Assert.That(output, Does.Contain("WebAgent:OtlpEndpoint is 'collector:4317': give an absolute http:// or https:// address"));
        Assert.That(output, Does.Not.Contain("eBPF collection webagent loaded"), "nothing is loaded");
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void A_probe_name_that_does_not_exist_is_named()
    {
        using var agent = ExampleProcess.Start("WebAgent", "--urls", "http://127.0.0.1:0", "--WebAgent:Probes=Exec, Fork");
        Assert.That(agent.WaitForExit(Timeout), Is.EqualTo(2), agent.Output);
        Assert.That(agent.Output, Does.Contain("WebAgent: invalid settings:").And.Contain("'WebAgent:Probes'"));
        Assert.That(agent.Output, Does.Not.Contain("   at "), "no stack trace");
    }
}
