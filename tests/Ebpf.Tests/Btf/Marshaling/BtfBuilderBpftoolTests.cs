using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Btf;

/// <summary>What <see cref="BtfBuilder"/> writes is read the same way by libbpf (through bpftool).</summary>
public class BtfBuilderBpftoolTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var order in new[] { ByteOrder.LittleEndian, ByteOrder.BigEndian })
        {
            yield return new TestCaseData(order, false).SetArgDisplayNames(order.ToString(), "as built");
            yield return new TestCaseData(order, true).SetArgDisplayNames(order.ToString(), "oldest kernel");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryKindDumpsAsBpftoolDoes(ByteOrder order, bool oldest)
    {
        var blob = BtfBuilderCompatibilityTests.EveryKind().Marshal(order, oldest ? BtfMarshalOptions.Oldest : null);
        AssertBpftoolAgrees(blob, null, null);
    }

    [Test]
    public void DeduplicatedKernelVmlinuxDumpsAsBpftoolDoes()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        var builder = new BtfBuilder();
        foreach (var type in spec.Types)
        {
            builder.Add(spec, type.Id);
        }

        AssertBpftoolAgrees(builder.Marshal(ByteOrder.BigEndian), null, null);
    }

    [Test]
    public void SplitModuleCopyDumpsAsBpftoolDoes()
    {
        string basePath = BtfTestData.Shared("btf_testmod.btf.base");
        var baseSpec = BtfSpec.Load(basePath);
        var split = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf"), baseSpec);
        var builder = new BtfBuilder(baseSpec);
        foreach (var type in split.Types.Reverse())
        {
            builder.Add(split, type.Id);
        }

        AssertBpftoolAgrees(builder.Marshal(ByteOrder.LittleEndian, BtfMarshalOptions.Oldest), baseSpec, basePath);
    }

    private static void AssertBpftoolAgrees(byte[] blob, BtfSpec? baseSpec, string? basePath)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ebpf-tests-builder-{Environment.ProcessId}-{Guid.NewGuid():N}.btf");
        File.WriteAllBytes(path, blob);
        try
        {
            string[] args = basePath is null
                ? ["btf", "dump", "file", path, "format", "raw"]
                : ["btf", "dump", "file", path, "-B", basePath, "format", "raw"];
            Bpftool.AssertSameDump(Bpftool.Run(args), BtfRawDumper.Dump(BtfSpec.Parse(blob, baseSpec)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
