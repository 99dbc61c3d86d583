using System.Diagnostics;

namespace Ebpf.Tests.Cli;

/// <summary>
/// <c>dotnet pack tools/Ebpf.Cli</c> makes the <c>Ebpf.Cli</c> dotnet tool package, and <c>dotnet tool install</c> puts
/// a working <c>ebpf</c> from a folder feed alone (no other package source, an empty NuGet packages folder: offline).
/// </summary>
[Category("Pack")]
[NonParallelizable]
public sealed class CliToolPackageTests
{
    private string _work = null!;

    [SetUp]
    public void CreateWorkFolder() => _work = Directory.CreateTempSubdirectory("ebpf-tool-").FullName;

    [TearDown]
    public void DeleteWorkFolder() => Directory.Delete(_work, recursive: true);

    [Test]
    public void The_tool_installs_from_a_local_feed_and_runs()
    {
        string feed = Path.Combine(_work, "feed");
        // The build's own version (no -p:Version: that would rebuild the layers the other tests run in place).
        var pack = Dotnet(TestPrograms.RepoRoot, new Dictionary<string, string>(),
            "pack", Path.Combine("tools", "Ebpf.Cli"), "-c", NativeAotBuilds.Configuration, "-o", feed, "--nologo");
        Assert.That(pack.ExitCode, Is.Zero, pack.Output);
        string package = Directory.GetFiles(feed, "Ebpf.Cli.*.nupkg").Single(f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
        string version = Path.GetFileName(package)["Ebpf.Cli.".Length..^".nupkg".Length];
        using (var archive = System.IO.Compression.ZipFile.OpenRead(package))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToList();
            Assert.That(entries, Does.Contain("tools/net10.0/any/ebpf.dll"));
            Assert.That(entries, Does.Contain("tools/net10.0/any/Ebpf.Kernel.dll"));
            Assert.That(entries, Does.Contain("tools/net10.0/any/DotnetToolSettings.xml"));
        }

        File.WriteAllText(Path.Combine(_work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        string tools = Path.Combine(_work, "tools");
        var install = Dotnet(_work, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") },
            "tool", "install", "--tool-path", tools, "--configfile", Path.Combine(_work, "nuget.config"), "--version", version, "Ebpf.Cli");
        Assert.That(install.ExitCode, Is.Zero, install.Output);

        string ebpf = Path.Combine(tools, "ebpf");
        var versionRun = Run(ebpf, _work, new Dictionary<string, string>(), "--version");
        Assert.That(versionRun.Output, Does.StartWith(version + "+"), versionRun.Output);
        var inspect = Run(ebpf, _work, new Dictionary<string, string>(), "inspect", TestPrograms.Path("maps_btf"));
        Assert.That(inspect.ExitCode, Is.Zero, inspect.Output);
        Assert.That(inspect.Output, Does.Contain("Programs:"));
        Assert.That(inspect.Output, Does.Contain("Maps:"));
    }

    private static (int ExitCode, string Output) Dotnet(string directory, Dictionary<string, string> environment, params string[] arguments) =>
        Run(NativeAotBuilds.DotnetHost, directory, environment, arguments);

    private static (int ExitCode, string Output) Run(string fileName, string directory, Dictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, $"{fileName} {string.Join(' ', arguments)} did not finish:\n{output}");
        return (process.ExitCode, output + error.Result);
    }
}
