using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ebpf.Tests.Examples;

/// <summary>
/// examples/SyscallCounter published with NativeAOT (<c>dotnet publish -r linux-x64</c>): no trimming or AOT warning
/// for the example, the layers it uses or the class Ebpf.Generators writes from its <c>&lt;BpfProgram&gt;</c>, and the
/// native binary loads, attaches and reads its map as the JIT-compiled example does (<see cref="ExampleTests"/>).
/// </summary>
[Category("Aot")]
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public sealed partial class NativeAotExampleTests
{
    [Test]
    public void SyscallCounter_publishes_without_warnings()
    {
        NativeAotBuilds.SyscallCounter.AssertClean();
    }

    [Test]
    public void Native_SyscallCounter_prints_a_table_of_processes()
    {
        NativeAotBuilds.SyscallCounter.AssertClean();
        var info = new ProcessStartInfo(NativeAotBuilds.SyscallCounter.Binary, ["--duration", "2.5"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(TestTimeouts.Scaled(TimeSpan.FromSeconds(30))), Is.True, output);
        output += error.Result;
        Assert.That(process.ExitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("/ 00:02]"));
        Assert.That(output, Does.Contain("PID  COMM"));
        Assert.That(TableRow().IsMatch(output), Is.True, "no process row in:\n" + output);
        Assert.That(output, Does.Contain("stopped after"));
    }

    [GeneratedRegex(@"^\s+\d+  \S.*\s+[\d,]+\s+[\d,]+$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
