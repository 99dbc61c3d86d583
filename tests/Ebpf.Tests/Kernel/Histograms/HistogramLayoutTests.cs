using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Tests.Kernel.Histograms;

/// <summary><see cref="HistogramLayout"/>: from BTF (tests/bpf/histograms.bpf.c), from a value size, checked against one.</summary>
public sealed class HistogramLayoutTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void FromSpecFindsTheSlotsMemberOfStructHist(bool bigEndian)
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("histograms", bigEndian));

        Assert.That(HistogramLayout.FromSpec(spec.Maps["hists"]), Is.EqualTo(new HistogramLayout(4, 27, 0)));
        Assert.That(HistogramLayout.FromSpec(spec.Maps["wide_hist"]), Is.EqualTo(new HistogramLayout(8, 8, 0)));
    }

    [Test]
    public void WithoutBtfTheValueIsU32Slots()
    {
        var spec = new MapSpec { Name = "h", Type = BpfMapType.Array, KeySize = 4, ValueSize = 108, MaxEntries = 1 };

        Assert.That(HistogramLayout.FromSpec(spec), Is.EqualTo(new HistogramLayout(4, 27)));
        Assert.That(default(HistogramLayout).Resolve(108), Is.EqualTo(new HistogramLayout(4, 27)));
        Assert.That(HistogramLayout.ForValueSize(64, 8), Is.EqualTo(new HistogramLayout(8, 8)));
    }

    [Test]
    public void ALayoutThatDoesNotFitIsRefused()
    {
        Assert.That(() => new HistogramLayout(4, 28).Resolve(108), Throws.ArgumentException.With.Message.Contains("do not fit"));
        Assert.That(() => new HistogramLayout(4, 27, 4).Resolve(108), Throws.ArgumentException);
        Assert.That(() => new HistogramLayout(2, 10).Resolve(108), Throws.ArgumentException.With.Message.Contains("4 or 8"));
        Assert.That(() => HistogramLayout.ForValueSize(10), Throws.ArgumentException);
    }
}
