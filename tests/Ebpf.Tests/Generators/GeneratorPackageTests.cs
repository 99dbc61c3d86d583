namespace Ebpf.Tests.Generators;

/// <summary>
/// Runs tests/pack/consume-generator-package.sh on the run's packages (<see cref="LocalPackageFeed"/>): builds (and, as
/// root, runs) a project outside the repository with a <c>&lt;BpfProgram&gt;</c> from that feed only, and a second one
/// that includes <c>&lt;ebpf/buffer.bpf.h&gt;</c>, shipped in the generator package.
/// </summary>
[Category("Pack")]
[NonParallelizable]
public class GeneratorPackageTests
{
    [Test]
    public void AConsumerOutsideTheRepositoryBuildsWithThePackagedGenerator()
    {
        string version = LocalPackageFeed.Version;
        var (exitCode, output) = LocalPackageFeed.RunScript("consume-generator-package.sh", LocalPackageFeed.Folder, version);
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: a project outside the repository builds <BpfProgram> with the packaged generator"));
        Assert.That(output, Does.Contain("OK: it compiles a BPF source including <ebpf/buffer.bpf.h> from the generator package"));
    }
}
