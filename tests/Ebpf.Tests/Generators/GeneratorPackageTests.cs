using System.Diagnostics;

namespace Ebpf.Tests.Generators;

/// <summary>
/// Runs tests/pack/consume-generator-package.sh: packs the layers and the Ebpf.Generators package into a temporary
/// feed and builds (and, as root, runs) a project outside the repository with a <c>&lt;BpfProgram&gt;</c> from it.
/// </summary>
[Category("Pack")]
[NonParallelizable]
public class GeneratorPackageTests
{
    [Test]
    public void AConsumerOutsideTheRepositoryBuildsWithThePackagedGenerator()
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(TestPrograms.RepoRoot, "tests", "pack", "consume-generator-package.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(10)), Is.True, "the script did not finish in 10 minutes");
        string output = stdout + stderr.Result;
        Assert.That(process.ExitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: a project outside the repository builds <BpfProgram> with the packaged generator"));
    }
}
