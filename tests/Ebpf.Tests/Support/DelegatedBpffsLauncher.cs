namespace Ebpf.Tests;

/// <summary>
/// tests/native/userns_bpffs.c, compiled once per test run with gcc: runs a command in a new user and mount namespace
/// with a bpffs that delegates BPF to that namespace mounted on a directory, as Linux's BPF token selftests do. A
/// .NET process cannot enter a new user namespace itself (it is multi-threaded), hence the launcher.
/// </summary>
public static class DelegatedBpffsLauncher
{
    /// <summary>The launcher's exit status when a setup step failed (its stderr names the step and errno).</summary>
    public const int SetupFailed = 125;

    private static readonly Lazy<string> Binary = new(Build);

    /// <summary>Runs <paramref name="command"/> in the new namespaces with the delegated bpffs mounted on <paramref name="directory"/>.</summary>
    /// <param name="directory">An existing empty directory, the mount point inside the child's mount namespace.</param>
    /// <param name="command">The program and its arguments.</param>
    public static (int ExitCode, string Output, string Error) Run(string directory, params string[] command) =>
        ExternalTool.Execute(Binary.Value, [directory, .. command]);

    /// <summary>
    /// Skips the test when the launcher's setup was refused by the kernel (user namespaces forbidden, bpffs not mountable
    /// in one), naming the refusal and the settings that explain it; fails it when another setup step failed.
    /// </summary>
    public static void IgnoreIfRefused((int ExitCode, string Output, string Error) result)
    {
        if (result.ExitCode != SetupFailed)
        {
            return;
        }

        string error = result.Error.Trim();
        if (error.StartsWith("refused:", StringComparison.Ordinal))
        {
            Assert.Ignore($"user namespace with a delegated bpffs: {error} ({Settings()})");
        }

        Assert.Fail($"the delegated bpffs could not be set up: {error}");
    }

    /// <summary>The sysctls that forbid or limit user namespaces, as far as this kernel has them.</summary>
    private static string Settings()
    {
        var settings = new List<string>();
        foreach (var (name, path) in new[]
        {
            ("user.max_user_namespaces", "/proc/sys/user/max_user_namespaces"),
            ("kernel.unprivileged_userns_clone", "/proc/sys/kernel/unprivileged_userns_clone"),
            ("kernel.apparmor_restrict_unprivileged_userns", "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"),
        })
        {
            if (File.Exists(path))
            {
                settings.Add($"{name} = {File.ReadAllText(path).Trim()}");
            }
        }

        return settings.Count > 0 ? string.Join(", ", settings) : "no user namespace sysctl found";
    }

    private static string Build()
    {
        string source = Path.Combine(TestPrograms.RepoRoot, "tests", "native", "userns_bpffs.c");
        string directory = Directory.CreateTempSubdirectory("ebpf-userns-bpffs-").FullName;
        string binary = Path.Combine(directory, "userns_bpffs");
        var (exitCode, _, error) = ExternalTool.Execute("gcc", "-Wall", "-o", binary, source);
        return exitCode == 0 ? binary : throw new InvalidOperationException($"cannot build {source}: {error}");
    }
}
