using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Ebpf.Tests;

/// <summary>
/// Builds the small C programs that ask the installed libbpf for reference answers: each source is compiled once per
/// test run with <c>gcc -Wall SOURCE -lbpf</c> into a temporary directory and the binary's path is cached.
/// </summary>
public static class LibbpfHarness
{
    private static readonly ConcurrentDictionary<string, string> Built = new(StringComparer.Ordinal);

    /// <summary>The path of the binary built from <paramref name="source"/>; fails the test when it cannot be built.</summary>
    /// <param name="source">The C source text.</param>
    public static string Build(string source)
    {
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];
        if (Built.TryGetValue(hash, out var known) && File.Exists(known))
        {
            return known;
        }

        if (!File.Exists("/usr/include/bpf/libbpf.h"))
        {
            Assert.Fail("libbpf headers are missing: apt-get install -y libbpf-dev (.ci/run does)");
        }

        string directory = Directory.CreateTempSubdirectory("ebpf-libbpf-harness-").FullName;
        string file = Path.Combine(directory, "harness.c");
        string binary = Path.Combine(directory, "harness");
        File.WriteAllText(file, source);
        var (exitCode, _, error) = ExternalTool.Execute("gcc", "-Wall", "-o", binary, file, "-lbpf");
        if (exitCode != 0)
        {
            Assert.Fail($"cannot build the libbpf harness: {error}");
        }

        return Built[hash] = binary;
    }
}
