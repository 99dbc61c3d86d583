using System.Diagnostics;

namespace Ebpf.Tests.Btf;

/// <summary>The raw <c>.BTF</c> section of a compiled test program, cut out with llvm-objcopy.</summary>
public static class ObjectBtf
{
    /// <summary>The .BTF bytes of tests/bpf/NAME.bpf.c in one byte order; ignores the test when they cannot be had.</summary>
    public static byte[] Section(string name, bool bigEndian = false)
    {
        string obj = TestPrograms.Path(name, bigEndian);
        if (!File.Exists(obj))
        {
            Assert.Ignore($"{obj} was not built");
        }

        var objcopy = new[] { "/usr/bin/llvm-objcopy-14", "/usr/bin/llvm-objcopy" }.FirstOrDefault(File.Exists);
        if (objcopy is null)
        {
            Assert.Ignore("llvm-objcopy is not installed");
        }

        string output = Path.Combine(Path.GetTempPath(), $"ebpf-tests-{Environment.ProcessId}-{name}-{(bigEndian ? "eb" : "el")}.btf");
        try
        {
            var start = new ProcessStartInfo(objcopy!) { UseShellExecute = false, RedirectStandardError = true };
            start.ArgumentList.Add($"--dump-section=.BTF={output}");
            start.ArgumentList.Add(obj);
            start.ArgumentList.Add(Path.Combine(Path.GetTempPath(), $"ebpf-tests-{Environment.ProcessId}-{name}.discard.o"));
            using var process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, error);
            return File.ReadAllBytes(output);
        }
        finally
        {
            File.Delete(output);
            File.Delete(Path.Combine(Path.GetTempPath(), $"ebpf-tests-{Environment.ProcessId}-{name}.discard.o"));
        }
    }
}
