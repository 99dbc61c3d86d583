using System.Diagnostics;

namespace Ebpf.Tests;

/// <summary>
/// The two NativeAOT publishes of the test run, each made once and shared by every test that needs it: the
/// <c>ebpf</c> command (<c>dotnet publish tools/Ebpf.Cli -r linux-x64</c>) and the SyscallCounter example. A publish is
/// one to three minutes of native compilation, so the tests that use them are in category <c>Aot</c>.
/// </summary>
public static class NativeAotBuilds
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(12);
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"ebpf-aot-{Environment.ProcessId}");
    private static readonly Lazy<NativeAotPublish> CliPublish = new(() => Publish(Path.Combine("tools", "Ebpf.Cli"), "ebpf"));
    private static readonly Lazy<NativeAotPublish> SyscallCounterPublish =
        new(() => Publish(Path.Combine("examples", "SyscallCounter"), "SyscallCounter"));

    static NativeAotBuilds() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteRoot();

    /// <summary>The NativeAOT <c>ebpf</c> binary.</summary>
    public static NativeAotPublish Cli => CliPublish.Value;

    /// <summary>The NativeAOT SyscallCounter example.</summary>
    public static NativeAotPublish SyscallCounter => SyscallCounterPublish.Value;

    /// <summary>The build configuration of the running tests (Release or Debug), read from their output folder.</summary>
    public static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The dotnet host that runs the tests.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static NativeAotPublish Publish(string project, string binaryName)
    {
        string output = Path.Combine(Root, binaryName);
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestPrograms.RepoRoot,
        };
        foreach (string argument in new[] { "publish", project, "-r", "linux-x64", "-c", Configuration, "-o", output, "--nologo" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start dotnet publish");
        var error = process.StandardError.ReadToEndAsync();
        string log = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(PublishTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish {project} did not finish in {PublishTimeout.TotalMinutes} minutes:\n{log}");
        }

        log += error.Result;
        return new NativeAotPublish(project, Path.Combine(output, binaryName), process.ExitCode, log);
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
