using System.Diagnostics;

namespace Ebpf.Tests.Cli;

/// <summary>
/// <c>dotnet publish tools/Ebpf.Cli -r linux-x64</c> makes a NativeAOT <c>ebpf</c> without a trimming or AOT warning,
/// and that binary prints byte for byte what the JIT-compiled <c>ebpf.dll</c> of the build prints, with the same exit
/// code, for the commands that read objects and BTF (and <c>feature probe</c> as root).
/// </summary>
[Category("Aot")]
[NonParallelizable]
public sealed class NativeAotCliTests
{
    /// <summary>Objects with programs of several kinds, maps, BTF, global variables, CO-RE records and subprograms.</summary>
    private static readonly string[] Objects = ["maps_btf", "live_globals", "core", "atomics", "typed"];

    public static IEnumerable<TestCaseData> ObjectCommands()
    {
        foreach (string name in Objects)
        {
            foreach (string[] command in new[]
            {
                new[] { "inspect" },
                ["inspect", "--json"],
                ["disasm"],
                ["disasm", "--raw"],
                ["btf", "dump", "--format", "raw"],
                ["btf", "dump", "--format", "c"],
                ["gen", "csharp", "--links"],
            })
            {
                string[] arguments = [.. command, $"bpf/{name}.bpfel.o"];
                yield return new TestCaseData((object)arguments).SetArgDisplayNames(string.Join(' ', arguments));
            }
        }

        // Kernel BTF as C (vmlinux.h), the usage and version, and the one-line errors.
        foreach (string[] arguments in new[]
        {
            new[] { "btf", "dump", "/sys/kernel/btf/vmlinux", "--format", "c" },
            ["--help"],
            ["--version"],
            ["inspect", "bpf/no_such_object.o"],
            ["inspect"],
            ["no-such-command"],
        })
        {
            yield return new TestCaseData((object)arguments).SetArgDisplayNames(string.Join(' ', arguments));
        }
    }

    [Test]
    public void The_publish_makes_a_native_binary_without_warnings()
    {
        NativeAotBuilds.Cli.AssertClean();
        Assert.That(Path.GetFileName(NativeAotBuilds.Cli.Binary), Is.EqualTo("ebpf"));
        // A native executable, not a .NET assembly beside a host: no ebpf.dll next to it.
        Assert.That(File.Exists(Path.ChangeExtension(NativeAotBuilds.Cli.Binary, ".dll")), Is.False);
        using var file = File.OpenRead(NativeAotBuilds.Cli.Binary);
        Span<byte> magic = stackalloc byte[4];
        file.ReadExactly(magic);
        Assert.That(magic.ToArray(), Is.EqualTo(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }));
    }

    [TestCaseSource(nameof(ObjectCommands))]
    public void The_native_binary_prints_what_the_jit_cli_prints(string[] arguments)
    {
        NativeAotBuilds.Cli.AssertClean();
        var jit = Run(NativeAotBuilds.DotnetHost, [JitCli(), .. arguments]);
        var aot = Run(NativeAotBuilds.Cli.Binary, arguments);
        Assert.Multiple(() =>
        {
            Assert.That(aot.ExitCode, Is.EqualTo(jit.ExitCode), aot.Error);
            Assert.That(aot.Output, Is.EqualTo(jit.Output));
            Assert.That(aot.Error, Is.EqualTo(jit.Error));
        });
    }

    [Test]
    [Category("Kernel")]
    public void Feature_probe_json_is_the_same_from_the_native_binary()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("feature probe: needs root");
        }

        NativeAotBuilds.Cli.AssertClean();
        var jit = Run(NativeAotBuilds.DotnetHost, [JitCli(), "feature", "probe", "--json"]);
        var aot = Run(NativeAotBuilds.Cli.Binary, ["feature", "probe", "--json"]);
        Assert.That(aot.ExitCode, Is.Zero, aot.Error);
        Assert.That(aot.Output, Is.EqualTo(jit.Output));
        Assert.That(aot.Output, Does.Contain("\"have_bpf_syscall\": true"));
    }

    /// <summary>The JIT-compiled command of the build: tools/Ebpf.Cli/bin/CONFIGURATION/net10.0/ebpf.dll.</summary>
    private static string JitCli()
    {
        string framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Name;
        string path = Path.Combine(TestPrograms.RepoRoot, "tools", "Ebpf.Cli", "bin", NativeAotBuilds.Configuration, framework, "ebpf.dll");
        Assert.That(File.Exists(path), Is.True, $"{path} was not built");
        return path;
    }

    /// <summary>Runs a command in the test's output folder (where bpf/ holds the test objects).</summary>
    private static (int ExitCode, string Output, string Error) Run(string fileName, string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(TestTimeouts.Scaled(TimeSpan.FromMinutes(2))), Is.True, $"{fileName} {string.Join(' ', arguments)} did not finish");
        return (process.ExitCode, output, error.Result);
    }
}
