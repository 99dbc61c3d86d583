using System.IO.Compression;

namespace Ebpf.Tests.Btf;

/// <summary>Where the BTF inputs of the tests live: the running kernel's and the shared test data.</summary>
public static class BtfTestData
{
    public const string KernelVmlinux = "/sys/kernel/btf/vmlinux";

    /// <summary>The shared test data folder (RepoRoot/../shared/testdata).</summary>
    public static string SharedDirectory => Path.GetFullPath(Path.Combine(TestPrograms.RepoRoot, "..", "shared", "testdata"));

    /// <summary>The path of a shared test data file; ignores the test when the folder or file is absent.</summary>
    public static string Shared(string name)
    {
        if (!Directory.Exists(SharedDirectory))
        {
            Assert.Ignore($"shared test data folder {SharedDirectory} is absent");
        }

        string path = Path.Combine(SharedDirectory, name);
        if (!File.Exists(path))
        {
            Assert.Ignore($"shared test data file {path} is absent");
        }

        return path;
    }

    /// <summary>The running kernel's BTF bytes; ignores the test when the kernel has none.</summary>
    public static byte[] KernelBytes()
    {
        if (!File.Exists(KernelVmlinux))
        {
            Assert.Ignore($"{KernelVmlinux} is absent: kernel built without BTF");
        }

        return File.ReadAllBytes(KernelVmlinux);
    }

    /// <summary>Gunzips shared/testdata/vmlinux.btf.gz into a temporary file and returns its path.</summary>
    public static string SharedVmlinuxFile()
    {
        string gz = Shared("vmlinux.btf.gz");
        string path = Path.Combine(Path.GetTempPath(), $"ebpf-tests-vmlinux-{Environment.ProcessId}.btf");
        if (!File.Exists(path))
        {
            using var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
            using var output = File.Create(path);
            input.CopyTo(output);
        }

        return path;
    }
}
