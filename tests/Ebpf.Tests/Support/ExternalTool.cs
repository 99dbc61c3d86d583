using System.Diagnostics;

namespace Ebpf.Tests;

/// <summary>Runs a reference or setup tool (llvm-objdump, bpftool, clang, mount) for tests.</summary>
public static class ExternalTool
{
    /// <summary>Runs <paramref name="fileName"/> and returns its standard output; throws with its error output when it fails.</summary>
    public static string Run(string fileName, params string[] arguments)
    {
        var (exitCode, output, error) = Execute(fileName, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {exitCode}: {error}");
        }

        return output;
    }

    /// <summary>Runs <paramref name="fileName"/> to completion, reading both output streams.</summary>
    public static (int ExitCode, string Output, string Error) Execute(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
