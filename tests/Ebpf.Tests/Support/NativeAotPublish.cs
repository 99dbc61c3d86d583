namespace Ebpf.Tests;

/// <summary>One <c>dotnet publish -r linux-x64</c> of a PublishAot project: the native binary and the publish's log.</summary>
/// <param name="Project">The project folder, relative to the repository.</param>
/// <param name="Binary">The native executable's path.</param>
/// <param name="ExitCode">dotnet publish's exit code.</param>
/// <param name="Log">Everything dotnet publish printed.</param>
public sealed record NativeAotPublish(string Project, string Binary, int ExitCode, string Log)
{
    /// <summary>The lines of the log that are warnings or errors (trimming IL2xxx, AOT IL3xxx and any other).</summary>
    public IReadOnlyList<string> Diagnostics =>
        Log.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal) || l.Contains(": error ", StringComparison.Ordinal)).ToList();

    /// <summary>Fails the test unless the publish succeeded, printed no warning and made the binary.</summary>
    public void AssertClean()
    {
        Assert.That(ExitCode, Is.Zero, $"dotnet publish {Project} -r linux-x64 failed:\n{Log}");
        Assert.That(Diagnostics, Is.Empty, $"dotnet publish {Project} -r linux-x64 warned:\n{Log}");
        Assert.That(File.Exists(Binary), Is.True, $"no {Binary} after the publish:\n{Log}");
    }
}
