using System.Diagnostics;
using System.Text;

namespace Ebpf.Tests.Examples;

/// <summary>
/// Runs one of the examples (examples/NAME, built with the tests) as a child process with <c>dotnet NAME.dll</c>
/// and collects its output.
/// </summary>
internal sealed class ExampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private ExampleProcess(Process process) => _process = process;

    /// <summary>Everything written so far to standard output and standard error.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Where the build put examples/NAME/NAME.dll for the test's own configuration.</summary>
    public static string AssemblyPath(string name)
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        string configuration = output.Parent!.Name;
        return Path.Combine(TestPrograms.RepoRoot, "examples", name, "bin", configuration, output.Name, name + ".dll");
    }

    /// <summary>Starts example <paramref name="name"/> with <paramref name="arguments"/>.</summary>
    public static ExampleProcess Start(string name, params string[] arguments) =>
        Start(name, new Dictionary<string, string>(), arguments);

    /// <summary>Starts example <paramref name="name"/> with <paramref name="arguments"/> and <paramref name="environment"/> added to the test's.</summary>
    public static ExampleProcess Start(string name, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        string assembly = AssemblyPath(name);
        Assert.That(File.Exists(assembly), Is.True, $"{assembly} was not built");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var example = new ExampleProcess(process);
        process.OutputDataReceived += (_, e) => example.Append(e.Data);
        process.ErrorDataReceived += (_, e) => example.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return example;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails the test after <paramref name="timeout"/>.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout || _process.HasExited)
            {
                Assert.Fail($"the example did not print \"{text}\" (exited: {_process.HasExited}); output:\n{Output}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Waits for the process to end and returns its exit code; kills it and fails after <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the example did not stop within {timeout}; output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
