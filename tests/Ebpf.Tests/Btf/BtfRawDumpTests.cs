using System.Diagnostics;
using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Tests.Btf;

public class BtfRawDumpTests
{
    private string? _sharedVmlinux;

    [OneTimeTearDown]
    public void DeleteTemporaryFiles()
    {
        if (_sharedVmlinux is not null)
        {
            File.Delete(_sharedVmlinux);
        }
    }

    [Test]
    public void KernelVmlinuxDumpMatchesBpftool()
    {
        var bytes = BtfTestData.KernelBytes();
        var clock = Stopwatch.StartNew();
        var spec = BtfSpec.Parse(bytes);
        var parsed = clock.Elapsed;
        string ours = BtfRawDumper.Dump(spec);
        TestContext.Out.WriteLine($"{spec.TypeCount} types, {bytes.Length} bytes: parse {parsed.TotalMilliseconds:F0} ms, parse+dump {clock.Elapsed.TotalMilliseconds:F0} ms (cold)");
        clock.Restart();
        var again = BtfSpec.Parse(bytes);
        parsed = clock.Elapsed;
        _ = BtfRawDumper.Dump(again);
        TestContext.Out.WriteLine($"warm: parse {parsed.TotalMilliseconds:F1} ms, parse+dump {clock.Elapsed.TotalMilliseconds:F0} ms");

        Bpftool.AssertSameDump(Bpftool.Run("btf", "dump", "file", BtfTestData.KernelVmlinux, "format", "raw"), ours);
    }

    [Test]
    public void SharedVmlinuxDumpMatchesBpftool()
    {
        _sharedVmlinux ??= BtfTestData.SharedVmlinuxFile();
        var spec = BtfSpec.Load(_sharedVmlinux);
        Bpftool.AssertSameDump(Bpftool.Run("btf", "dump", "file", _sharedVmlinux, "format", "raw"), BtfRawDumper.Dump(spec));
    }

    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));

    [TestCaseSource(nameof(Objects))]
    public void TestProgramDumpMatchesBpftool(string file)
    {
        string path = Path.Combine(TestPrograms.Directory, file);
        var spec = BtfSpec.LoadElf(path);
        bool bigEndian = file.EndsWith(".bpfeb.o", StringComparison.Ordinal);
        Assert.That(spec.ByteOrder, Is.EqualTo(bigEndian ? ByteOrder.BigEndian : ByteOrder.LittleEndian));
        Bpftool.AssertSameDump(Bpftool.Run("btf", "dump", "file", path, "format", "raw"), BtfRawDumper.Dump(spec));
    }

    [Test]
    public void EveryTestProgramIsCovered()
    {
        Assert.That(TestPrograms.All.Select(Path.GetFileName), Has.Member("core.bpfel.o").And.Member("core.bpfeb.o"));
        Assert.That(TestPrograms.All, Has.Count.GreaterThanOrEqualTo(10));
    }

    [Test]
    public void FromElfUsesTheBtfSectionInPlace()
    {
        using var elf = ElfFile.Open(TestPrograms.Path("callbacks"));
        var spec = BtfSpec.FromElf(elf);
        Assert.That(spec.Header, Is.EqualTo(BtfSpec.Parse(elf.FindSection(".BTF")!.Data.ToArray()).Header));
        Assert.That(spec.FindIds("sum_elem", BtfKind.Func), Is.Not.Empty);
    }

    [Test]
    public void FromElfWithoutBtfThrowsFormatException()
    {
        // Rename .BTF and .BTF.ext to .XTF and .XTF.ext in the section name table.
        var image = File.ReadAllBytes(TestPrograms.Path("atomics"));
        var needle = ".BTF"u8.ToArray();
        for (int i = image.AsSpan().IndexOf(needle); i >= 0; i = image.AsSpan().IndexOf(needle))
        {
            image[i + 1] = (byte)'X';
        }

        var elf = ElfFile.Parse(image);
        Assert.That(elf.FindSection(".XTF"), Is.Not.Null);
        Assert.Throws<BtfFormatException>(() => BtfSpec.FromElf(elf));
        Assert.That(BtfExtInfo.FromElf(elf, BtfSpec.LoadElf(TestPrograms.Path("atomics"))), Is.Null);
    }

    [Test]
    public void BigEndianCopyDumpsTheSame()
    {
        _sharedVmlinux ??= BtfTestData.SharedVmlinuxFile();
        var little = File.ReadAllBytes(_sharedVmlinux);
        var big = BtfSpec.Parse(BtfByteSwapper.ToBigEndian(little));
        var reference = BtfSpec.Parse(little);

        Assert.That(big.ByteOrder, Is.EqualTo(ByteOrder.BigEndian));
        Assert.That(reference.ByteOrder, Is.EqualTo(ByteOrder.LittleEndian));
        Assert.That(big.Header, Is.EqualTo(reference.Header));
        Bpftool.AssertSameDump(BtfRawDumper.Dump(reference), BtfRawDumper.Dump(big));
    }

    [Test]
    public void BigEndianSplitBtfDumpsTheSame()
    {
        var baseBytes = File.ReadAllBytes(BtfTestData.Shared("btf_testmod.btf.base"));
        var splitBytes = File.ReadAllBytes(BtfTestData.Shared("btf_testmod.btf"));
        var little = BtfSpec.Parse(splitBytes, BtfSpec.Parse(baseBytes));
        var big = BtfSpec.Parse(BtfByteSwapper.ToBigEndian(splitBytes), BtfSpec.Parse(BtfByteSwapper.ToBigEndian(baseBytes)));

        Assert.That(big.ByteOrder, Is.EqualTo(ByteOrder.BigEndian));
        Bpftool.AssertSameDump(BtfRawDumper.Dump(little), BtfRawDumper.Dump(big));
    }

    [Test]
    public void TestModuleSplitDumpMatchesBpftool()
    {
        // bpftool 7.1 has no "file X base Y" syntax but reads the pair with -B.
        string basePath = BtfTestData.Shared("btf_testmod.btf.base");
        string splitPath = BtfTestData.Shared("btf_testmod.btf");
        var spec = BtfSpec.Load(splitPath, BtfSpec.Load(basePath));

        Bpftool.AssertSameDump(Bpftool.Run("-B", basePath, "btf", "dump", "file", splitPath, "format", "raw"), BtfRawDumper.Dump(spec));
        Bpftool.AssertSameDump(Bpftool.Run("btf", "dump", "file", basePath, "format", "raw"), BtfRawDumper.Dump(spec.Base!));
    }

    [Test]
    public void KernelModuleSplitDumpMatchesBpftool()
    {
        var vmlinux = BtfSpec.Parse(BtfTestData.KernelBytes());
        var module = Directory.Exists("/sys/kernel/btf")
            ? Directory.GetFiles("/sys/kernel/btf").Where(f => Path.GetFileName(f) != "vmlinux").Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (module is null)
        {
            Assert.Ignore("no kernel module BTF under /sys/kernel/btf on this machine");
        }

        var spec = BtfSpec.Load(module!, vmlinux);
        Assert.That(spec.FirstTypeId, Is.EqualTo(vmlinux.LastTypeId + 1));
        Bpftool.AssertSameDump(
            Bpftool.Run("-B", BtfTestData.KernelVmlinux, "btf", "dump", "file", module!, "format", "raw"),
            BtfRawDumper.Dump(spec));
    }
}
