namespace Ebpf.Tests.Generators;

/// <summary>
/// Runs tests/pack/consume-generator-package.sh on the run's packages (<see cref="LocalPackageFeed"/>): builds (and, as
/// root, runs) a project outside the repository with a <c>&lt;BpfProgram&gt;</c> from that feed only.
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
    }
}
