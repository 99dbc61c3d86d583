using Ebpf.Cli.Usdt;
using Ebpf.Tests.Links;

namespace Ebpf.Tests.Cli;

/// <summary><c>ebpf usdt list</c> on the USDT test binary and Debian's python3.11.</summary>
public class UsdtCommandTests
{
    [Test]
    public void ListsEveryProbeAsBpftraceNamesThem()
    {
        var output = new StringWriter();
        Assert.That(UsdtCommand.List(new FileInfo(UsdtTargetBinary.Path), "*", verbose: false, output), Is.Zero);
        string prefix = $"usdt:{UsdtTargetBinary.Path}:ebpf_test:";
        Assert.That(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { prefix + "forms", prefix + "widths", prefix + "indexed", prefix + "guarded" }));
    }

    [Test]
    public void VerboseShowsSitesAndAPatternFilters()
    {
        var output = new StringWriter();
        Assert.That(UsdtCommand.List(new FileInfo("/usr/bin/python3.11"), "python:function__*", verbose: true, output), Is.Zero);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Where(l => l.StartsWith("usdt:", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "usdt:/usr/bin/python3.11:python:function__entry", "usdt:/usr/bin/python3.11:python:function__return" }));
        Assert.That(lines[1], Does.StartWith("  address 0x").And.Contain("semaphore 0x").And.EndWith("arguments: 8@%rbp 8@%r12 -4@%eax"));
        Assert.That(UsdtCommand.List(new FileInfo("/usr/bin/python3.11"), "nope:*", verbose: false, new StringWriter()), Is.EqualTo(1));
    }
}
