using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ebpf.Kernel;
using Ebpf.Tests.Links;

namespace Ebpf.Tests.Examples;

/// <summary>Runs each example in examples/ for a few seconds as root and checks what it prints.</summary>
[Category("Kernel")]
[Category("Link")]
public sealed partial class ExampleTests
{
    private static readonly TimeSpan StartTimeout = TestTimeouts.Scaled(TimeSpan.FromSeconds(30));

    [Test]
    public void SyscallCounter_prints_a_table_of_processes()
    {
        using var example = ExampleProcess.Start("SyscallCounter", "--duration", "2.5");
        Assert.That(example.WaitForExit(StartTimeout), Is.Zero, example.Output);
        string output = example.Output;
        Assert.That(output, Does.Contain("/ 00:02]"));
        Assert.That(output, Does.Contain("PID  COMM"));
        Assert.That(TableRow().IsMatch(output), Is.True, "no process row in:\n" + output);
        Assert.That(output, Does.Contain("stopped after"));
    }

    [Test]
    public void ExecSnoop_logs_an_exec()
    {
        using var example = ExampleProcess.Start("ExecSnoop", "--duration", "8");
        example.WaitForOutput("Tracing execve", StartTimeout);
        using (var child = Process.Start("/bin/true"))
        {
            child.WaitForExit();
        }

        Assert.That(example.WaitForExit(StartTimeout), Is.Zero, example.Output);
        Assert.That(example.Output, Does.Contain("file=/bin/true"));
        Assert.That(example.Output, Does.Contain("Tracing stopped"));
    }

    [Test]
    public void PacketCounter_counts_udp_packets_on_a_veth()
    {
        using var veth = VethNamespace.Create();
        using var example = ExampleProcess.Start("PacketCounter", veth.HostInterface, "--duration", Seconds(TestTimeouts.Scaled(TimeSpan.FromSeconds(4))));
        example.WaitForOutput("Counting packets", StartTimeout);
        for (int i = 0; i < 5; i++)
        {
            veth.SendFromNamespace();
        }

        Assert.That(example.WaitForExit(StartTimeout), Is.Zero, example.Output);
        var udp = UdpCount().Matches(example.Output);
        Assert.That(udp, Is.Not.Empty, example.Output);
        Assert.That(int.Parse(udp[^1].Groups[1].Value, CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(5), example.Output);
    }

    /// <summary>A duration argument in whole seconds (the sends of the test must fit in it, also under emulation).</summary>
    private static string Seconds(TimeSpan duration) => ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    [Test]
    public void UprobeExample_counts_getpid_calls()
    {
        using var example = ExampleProcess.Start("UprobeExample", "--duration", "2.5");
        Assert.That(example.WaitForExit(StartTimeout), Is.Zero, example.Output);
        var totals = GetpidTotal().Matches(example.Output);
        Assert.That(totals, Is.Not.Empty, example.Output);
        Assert.That(ulong.Parse(totals[^1].Groups[1].Value, CultureInfo.InvariantCulture), Is.GreaterThan(0UL), example.Output);
    }

    [Test]
    public void PythonCalls_counts_the_calls_of_a_script()
    {
        KernelRefusal.Require("USDT probes", Features.Default.HaveUsdt);
        // The example attaches from the section, for every python3.11 process: a PIE, whose sites need BPF cookies.
        KernelRefusal.Require("BPF cookie", Features.Default.HaveBpfCookie);
        string script = Path.Combine(Path.GetTempPath(), $"ebpf-pythoncalls-{Environment.ProcessId}.py");
        File.WriteAllText(script, "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\nprint(fib(15))\n");
        try
        {
            using var example = ExampleProcess.Start("PythonCalls", script);
            Assert.That(example.WaitForExit(StartTimeout), Is.Zero, example.Output);
            // fib(15) calls fib 2 * fib(16) - 1 = 1973 times.
            Assert.That(example.Output, Does.Contain("610").And.Match(@"(?m)^\s+1973  fib$"));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Test]
    public void TcpCongestion_registers_a_bpf_congestion_control_and_counts_its_callbacks()
    {
        Ebpf.Tests.Kernel.StructOpsKernelTests.RequireStructOpsLinks(); // its map is a .struct_ops.link one
        using var example = ExampleProcess.Start("TcpCongestion", "--duration", "3");
        Assert.That(example.WaitForExit(StartTimeout), Is.Zero, example.Output);
        string output = example.Output;
        Assert.That(output, Does.Contain("Registered TCP congestion control dotnet_reno (struct_ops); available: "));
        Assert.That(output, Does.Contain("use dotnet_reno (TCP_CONGESTION)"));
        var counts = CallbackCounts().Matches(output);
        Assert.That(counts, Is.Not.Empty, output);
        var last = counts[^1].Groups;
        Assert.That(ulong.Parse(last["init"].Value, CultureInfo.InvariantCulture), Is.GreaterThan(0UL), output);
        Assert.That(ulong.Parse(last["congAvoid"].Value, CultureInfo.InvariantCulture), Is.GreaterThan(0UL), output);
        Assert.That(output, Does.Contain("Unregistered dotnet_reno; available: "));
        Assert.That(File.ReadAllText("/proc/sys/net/ipv4/tcp_available_congestion_control"), Does.Not.Contain("dotnet_reno"));
    }

    [GeneratedRegex(@"^\s+\d+  \S.*\s+[\d,]+\s+[\d,]+$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"UDP: (\d+) packets")]
    private static partial Regex UdpCount();

    [GeneratedRegex(@"getpid: \d+ calls/s, (\d+) in total")]
    private static partial Regex GetpidTotal();

    [GeneratedRegex(@"init (?<init>\d+)  ssthresh \d+  cong_avoid (?<congAvoid>\d+)")]
    private static partial Regex CallbackCounts();
}
