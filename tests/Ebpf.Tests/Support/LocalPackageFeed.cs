using System.Diagnostics;

namespace Ebpf.Tests;

/// <summary>
/// The Ebpf packages of the test run in a temporary folder feed: packed once by tests/pack/pack-local-feed.sh (about a
/// minute) and shared by the tests that build projects outside the repository from it, in category <c>Pack</c>.
/// </summary>
public static class LocalPackageFeed
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(10);
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"ebpf-feed-{Environment.ProcessId}");
    private static readonly Lazy<(int ExitCode, string Output)> Packed =
        new(() => RunScript("pack-local-feed.sh", Folder, $"0.0.0-tests.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}"));

    static LocalPackageFeed() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteRoot();

    /// <summary>The feed folder.</summary>
    public static string Folder => Path.Combine(Root, "feed");

    /// <summary>The version of every package in <see cref="Folder"/>; packs them on first use and fails the test if that fails.</summary>
    public static string Version
    {
        get
        {
            var (exitCode, output) = Packed.Value;
            Assert.That(exitCode, Is.Zero, "tests/pack/pack-local-feed.sh failed:\n" + output);
            return output.TrimEnd().Split('\n')[^1];
        }
    }

    /// <summary>Runs <c>bash tests/pack/SCRIPT</c> with <paramref name="arguments"/>; returns its exit code and its output (standard output last).</summary>
    /// <exception cref="TimeoutException">The script did not finish in 10 minutes (it is killed).</exception>
    public static (int ExitCode, string Output) RunScript(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestPrograms.RepoRoot,
        };
        info.ArgumentList.Add(Path.Combine(TestPrograms.RepoRoot, "tests", "pack", script));
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The configuration of the running tests, for the builds the scripts make in place.
        info.Environment["CONFIGURATION"] = NativeAotBuilds.Configuration;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {script}");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(ScriptTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"tests/pack/{script} did not finish in {ScriptTimeout.TotalMinutes} minutes:\n{error.Result}{output}");
        }

        return (process.ExitCode, error.Result + output);
    }

    private static void DeleteRoot()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
