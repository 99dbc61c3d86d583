using System.Diagnostics;

namespace Ebpf.Tests.Btf.CFormat;

/// <summary>Runs clang-14 for the BPF target: compiles C to objects, checks headers and cuts out <c>.BTF</c> sections.</summary>
public static class Clang
{
    private static string Find(params string[] candidates)
    {
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.Ignore($"{candidates[0]} is not installed");
        }

        return path!;
    }

    /// <summary>Runs <c>clang-14 -target bpf ARGS</c> and fails the test with clang's messages when it fails.</summary>
    public static void Run(params string[] args)
    {
        var (code, error) = Execute(Find("/usr/bin/clang-14", "/usr/bin/clang"), ["-target", "bpf", .. args]);
        Assert.That(code, Is.Zero, () => $"clang {string.Join(' ', args)} failed:\n{Truncate(error)}");
    }

    /// <summary>Compiles a C file with <c>-g -O2</c> and returns its <c>.BTF</c> section.</summary>
    public static byte[] CompileBtf(string source, string directory, params string[] extra)
    {
        string obj = Path.Combine(directory, Path.GetFileNameWithoutExtension(source) + ".o");
        Run(["-g", "-O2", "-c", source, "-o", obj, .. extra]);
        return ExtractBtf(obj, directory);
    }

    /// <summary>The <c>.BTF</c> section of an object file.</summary>
    public static byte[] ExtractBtf(string obj, string directory)
    {
        string section = Path.Combine(directory, Path.GetFileName(obj) + ".btf");
        var (code, error) = Execute(
            Find("/usr/bin/llvm-objcopy-14", "/usr/bin/llvm-objcopy"),
            [$"--dump-section=.BTF={section}", obj, Path.Combine(directory, "discard.o")]);
        Assert.That(code, Is.Zero, error);
        return File.ReadAllBytes(section);
    }

    /// <summary>A fresh temporary directory.</summary>
    public static string TemporaryDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ebpf-btfc-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Truncate(string text) => text.Length > 4000 ? text[..4000] + "\n..." : text;

    private static (int Code, string Error) Execute(string program, string[] args)
    {
        var (code, output, error) = ExternalTool.Execute(program, args);
        return (code, error + output);
    }
}
