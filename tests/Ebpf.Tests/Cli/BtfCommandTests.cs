using Ebpf.Cli.Btf;

namespace Ebpf.Tests.Cli;

public class BtfCommandTests
{
    public static IEnumerable<string> Objects => TestPrograms.All.Select(Path.GetFileName)!;

    [TestCaseSource(nameof(Objects))]
    public void RawDumpOfObjectEqualsBpftool(string objectName)
    {
        string path = Path.Combine(TestPrograms.Directory, objectName);
        var ours = new StringWriter();
        BtfCommand.Dump(new FileInfo(path), "raw", null, ours);
        Assert.That(ours.ToString(), Is.EqualTo(ExternalTool.Run("bpftool", "btf", "dump", "file", path, "format", "raw")));
    }

    [TestCaseSource(nameof(Objects))]
    public void CDumpOfObjectEqualsBpftool(string objectName)
    {
        string path = Path.Combine(TestPrograms.Directory, objectName);
        var ours = new StringWriter();
        BtfCommand.Dump(new FileInfo(path), "c", null, ours);
        Assert.That(ours.ToString(), Is.EqualTo(ExternalTool.Run("bpftool", "btf", "dump", "file", path, "format", "c")));
    }

    [Test]
    public void RawDumpOfKernelBtfEqualsBpftool()
    {
        const string vmlinux = "/sys/kernel/btf/vmlinux";
        if (!File.Exists(vmlinux))
        {
            Assert.Ignore("kernel BTF: /sys/kernel/btf/vmlinux is absent (CONFIG_DEBUG_INFO_BTF off)");
        }

        var ours = new StringWriter();
        BtfCommand.Dump(new FileInfo(vmlinux), "raw", null, ours);
        Assert.That(ours.ToString() == ExternalTool.Run("bpftool", "btf", "dump", "file", vmlinux, "format", "raw"), Is.True);
    }
}
