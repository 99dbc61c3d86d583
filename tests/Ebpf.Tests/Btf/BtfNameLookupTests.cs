using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

public class BtfNameLookupTests
{
    private static void AssertLookupsMatchLinearScan(BtfSpec spec, int stride)
    {
        var all = new Dictionary<string, List<uint>>(StringComparer.Ordinal);
        for (uint id = 1; id <= spec.LastTypeId; id++)
        {
            string name = spec.GetName(id);
            if (name.Length > 0)
            {
                (all.TryGetValue(name, out var ids) ? ids : all[name] = []).Add(id);
            }
        }

        int n = 0;
        foreach (var (name, ids) in all)
        {
            if (n++ % stride != 0)
            {
                continue;
            }

            Assert.That(spec.FindIds(name), Is.EqualTo(ids), name);
            var kind = spec.GetKind(ids[0]);
            Assert.That(spec.FindIds(name, kind), Is.EqualTo(ids.Where(i => spec.GetKind(i) == kind)), name);
        }

        Assert.That(spec.FindIds("no such type name at all, surely"), Is.Empty);
        Assert.That(spec.FindIds(""), Is.Empty);
    }

    [Test]
    public void KernelLookupsMatchALinearScan() => AssertLookupsMatchLinearScan(BtfSpec.Parse(BtfTestData.KernelBytes()), 7);

    [Test]
    public void SplitLookupsMatchALinearScanAndPutBaseIdsFirst()
    {
        var baseSpec = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf.base"));
        var split = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf"), baseSpec);
        AssertLookupsMatchLinearScan(split, 1);
    }

    [Test]
    public void LongAndNonAsciiNamesAreFound()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        var longest = Enumerable.Range(1, (int)spec.LastTypeId).Select(i => spec.GetName((uint)i)).MaxBy(s => s.Length)!;
        Assert.That(longest.Length, Is.GreaterThan(16));
        Assert.That(spec.FindIds(longest), Is.Not.Empty);
        Assert.That(spec.FindIds(longest[..16]), Is.Empty.Or.All.Matches<uint>(id => spec.GetName(id) == longest[..16]));
        Assert.That(spec.FindIds("task_struct\u00e9"), Is.Empty);
    }

    [Test]
    public void Utf8NamesEqualDecodedNamesForKernelAndSplitBtf()
    {
        var kernel = BtfSpec.Parse(BtfTestData.KernelBytes());
        var baseSpec = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf.base"));
        var split = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf"), baseSpec);
        foreach (var spec in new[] { kernel, split })
        {
            for (uint id = 0; id <= spec.LastTypeId; id++)
            {
                string expected = spec.GetName(id);
                if (System.Text.Encoding.UTF8.GetString(spec.GetNameUtf8(id)) != expected)
                {
                    Assert.Fail($"type {id}: '{System.Text.Encoding.UTF8.GetString(spec.GetNameUtf8(id))}' != '{expected}'");
                }
            }

            Assert.Throws<ArgumentOutOfRangeException>(() => spec.GetNameUtf8(spec.LastTypeId + 1));
        }

        Assert.That(System.Text.Encoding.UTF8.GetString(kernel.GetStringUtf8(kernel.Record(1).NameOffset)), Is.EqualTo(kernel.GetName(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.GetStringUtf8(uint.MaxValue));
    }
}
