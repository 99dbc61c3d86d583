using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

[NonParallelizable]
public class KernelBtfTests
{
    private string? _directory;

    [TearDown]
    public void RestoreShared()
    {
        KernelBtf.Configure(null);
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
            _directory = null;
        }
    }

    /// <summary>A module-like directory: btf_testmod as split BTF, with its base as the vmlinux file.</summary>
    private (string Directory, string BasePath) ModuleDirectory()
    {
        string basePath = BtfTestData.Shared("btf_testmod.btf.base");
        string split = BtfTestData.Shared("btf_testmod.btf");
        _directory = Path.Combine(Path.GetTempPath(), $"ebpf-tests-kbtf-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        File.Copy(split, Path.Combine(_directory, "btf_testmod"));
        return (_directory, basePath);
    }

    [Test]
    public void RunningKernelVmlinuxIsMappedAndMatchesAFullRead()
    {
        var bytes = BtfTestData.KernelBytes();
        var kernel = new KernelBtf();
        Assert.That(kernel.IsVmlinuxLoaded, Is.False);
        var mapped = kernel.Vmlinux;
        var read = BtfSpec.Parse(bytes);
        Assert.That(kernel.IsVmlinuxLoaded, Is.True);
        Assert.That(mapped.Header, Is.EqualTo(read.Header));
        Assert.That(mapped.LastTypeId, Is.EqualTo(read.LastTypeId));
        Assert.That(kernel.Vmlinux, Is.SameAs(mapped));
        var raw = (ReadOnlyMemory<byte>)typeof(BtfSpec).GetField("_raw", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(mapped)!;
        Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetMemoryManager(raw, out BtfMappedMemory? _), Is.True, "vmlinux was copied, not mapped");
        uint id = mapped.FindIds("task_struct", BtfKind.Struct).Single();
        Assert.That(id, Is.EqualTo(read.FindIds("task_struct", BtfKind.Struct).Single()));
        Assert.That(mapped.GetTypeById(id).ToString(), Is.EqualTo(read.GetTypeById(id).ToString()));
        Assert.That(BtfRawDumper.Dump(mapped), Is.EqualTo(BtfRawDumper.Dump(read)));
    }

    [Test]
    public void ModuleIsSplitBtfOverVmlinuxAndCached()
    {
        var (directory, basePath) = ModuleDirectory();
        var kernel = new KernelBtf(basePath, directory);
        Assert.That(kernel.ModuleNames, Is.EqualTo(new[] { "btf_testmod" }));
        var module = kernel.GetModule("btf_testmod");
        Assert.That(module.Base, Is.SameAs(kernel.Vmlinux));
        Assert.That(module.FirstTypeId, Is.EqualTo(kernel.Vmlinux.LastTypeId + 1));
        Assert.That(kernel.GetModule("btf_testmod"), Is.SameAs(module));
        Assert.That(kernel.TryGetModule("btf_testmod", out var again), Is.True);
        Assert.That(again, Is.SameAs(module));
        Assert.That(kernel.TryGetModule("no_such_module", out var missing), Is.False);
        Assert.That(missing, Is.Null);
        Assert.Throws<FileNotFoundException>(() => kernel.GetModule("no_such_module"));
        Assert.Throws<ArgumentException>(() => kernel.GetModule("../btf_testmod"));

        var expected = BtfSpec.Load(Path.Combine(directory, "btf_testmod"), BtfSpec.Load(basePath));
        Bpftool.AssertSameDump(BtfRawDumper.Dump(expected), BtfRawDumper.Dump(module));
        Bpftool.AssertSameDump(Bpftool.Run("-B", basePath, "btf", "dump", "file", Path.Combine(directory, "btf_testmod"), "format", "raw"), BtfRawDumper.Dump(module));
    }

    [Test]
    public void SharedInstanceIsCachedAcrossThreadsUntilFlushed()
    {
        var (directory, basePath) = ModuleDirectory();
        KernelBtf.Configure(basePath, directory);
        var seen = new BtfSpec[8];
        Parallel.For(0, seen.Length, i => seen[i] = KernelBtf.Shared.GetModule("btf_testmod"));
        Assert.That(seen.Distinct().Count(), Is.EqualTo(1));
        Assert.That(KernelBtf.SharedVmlinux, Is.SameAs(seen[0].Base));
        Assert.That(KernelBtf.Shared.VmlinuxPath, Is.EqualTo(basePath));

        var before = KernelBtf.Shared;
        KernelBtf.Flush();
        Assert.That(KernelBtf.Shared, Is.Not.SameAs(before));
        Assert.That(KernelBtf.Shared.GetModule("btf_testmod"), Is.Not.SameAs(seen[0]));
        Assert.That(BtfRawDumper.Dump(seen[0]), Is.EqualTo(BtfRawDumper.Dump(KernelBtf.Shared.GetModule("btf_testmod"))), "flushed specs stay usable");

        KernelBtf.Configure(null);
        Assert.That(KernelBtf.Shared.VmlinuxPath, Is.EqualTo("/sys/kernel/btf/vmlinux"));
    }

    [Test]
    public void OtherVmlinuxFileCanBeUsed()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ebpf-tests-kbtf-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, "vmlinux");
        using (var input = new System.IO.Compression.GZipStream(File.OpenRead(BtfTestData.Shared("vmlinux.btf.gz")), System.IO.Compression.CompressionMode.Decompress))
        using (var output = File.Create(path))
        {
            input.CopyTo(output);
        }

        var kernel = new KernelBtf(path);
        Assert.That(kernel.ModuleDirectory, Is.EqualTo(KernelBtf.DefaultDirectory));
        Assert.That(kernel.Vmlinux.Header, Is.EqualTo(BtfSpec.Load(path).Header));
        Assert.That(new KernelBtf(moduleDirectory: _directory).ModuleNames, Is.Empty);
    }

    [Test]
    public void InvalidFileThrowsFormatException()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ebpf-tests-kbtf-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, "vmlinux");
        File.WriteAllBytes(path, new byte[100]);
        Assert.Throws<BtfFormatException>(() => _ = new KernelBtf(moduleDirectory: _directory).Vmlinux);
        File.WriteAllBytes(path, []);
        Assert.Throws<BtfFormatException>(() => KernelBtf.Open(path));
    }
}
