using System.Diagnostics;

namespace Ebpf.Tests.Btf;

/// <summary>Runs the installed bpftool, the reference for raw BTF dumps.</summary>
public static class Bpftool
{
    /// <summary>Runs <c>bpftool ARGS</c> and returns its standard output; ignores the test when bpftool is absent.</summary>
    public static string Run(params string[] args)
    {
        var path = new[] { "/usr/sbin/bpftool", "/usr/bin/bpftool", "/usr/local/sbin/bpftool" }.FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.Ignore("bpftool is not installed");
        }

        var start = new ProcessStartInfo(path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"bpftool {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout;
    }

    /// <summary>Asserts two dumps are identical, reporting the first line that differs.</summary>
    public static void AssertSameDump(string expected, string actual)
    {
        if (HeaderDiff.FirstDifference(expected, actual) is { } difference)
        {
            Assert.Fail($"dumps differ at {difference}");
        }
    }
}
