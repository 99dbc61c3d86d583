using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel.Histograms;

/// <summary>Slot bounds, buckets and totals of <see cref="Log2Histogram"/> and <see cref="LinearHistogram"/>.</summary>
public sealed class HistogramBucketTests
{
    [Test]
    public void Log2SlotsAreBccsPowersOfTwo()
    {
        Assert.That(Log2Histogram.SlotBounds(0), Is.EqualTo((0UL, 1UL)));
        Assert.That(Log2Histogram.SlotBounds(1), Is.EqualTo((2UL, 3UL)));
        Assert.That(Log2Histogram.SlotBounds(10), Is.EqualTo((1024UL, 2047UL)));
        Assert.That(Log2Histogram.SlotBounds(63), Is.EqualTo((1UL << 63, ulong.MaxValue)));
        Assert.That(() => Log2Histogram.SlotBounds(64), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [TestCase(0UL, 0)]
    [TestCase(1UL, 0)]
    [TestCase(2UL, 1)]
    [TestCase(3UL, 1)]
    [TestCase(1023UL, 9)]
    [TestCase(1024UL, 10)]
    [TestCase(ulong.MaxValue, 63)]
    public void SlotOfIsTheSlotWhoseBoundsHoldTheValue(ulong value, int slot)
    {
        Assert.That(Log2Histogram.SlotOf(value), Is.EqualTo(slot));
        var (low, high) = Log2Histogram.SlotBounds(slot);
        Assert.That(value, Is.InRange(low, high));
    }

    [Test]
    public void Log2BucketsCarryBoundsAndCounts()
    {
        var histogram = new Log2Histogram([4, 0, 7]);

        Assert.That(histogram.Buckets, Is.EqualTo(new[]
        {
            new HistogramBucket(0, 1, 4),
            new HistogramBucket(2, 3, 0),
            new HistogramBucket(4, 7, 7),
        }));
        Assert.That(histogram.Total, Is.EqualTo(11UL));
        Assert.That(histogram.Counts, Is.EqualTo(new ulong[] { 4, 0, 7 }));
    }

    [Test]
    public void LinearBucketsStartAtBaseAndStep()
    {
        var histogram = new LinearHistogram([1, 2, 3], 100, 10);

        Assert.That(histogram.Buckets, Is.EqualTo(new[]
        {
            new HistogramBucket(100, 109, 1),
            new HistogramBucket(110, 119, 2),
            new HistogramBucket(120, 129, 3),
        }));
        Assert.That(histogram.Total, Is.EqualTo(6UL));
        Assert.That(() => new LinearHistogram([1], 0, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void TheConstructorCopiesTheCounts()
    {
        ulong[] counts = [1, 2];
        var histogram = new Log2Histogram(counts);
        counts[0] = 9;

        Assert.That(histogram.Counts[0], Is.EqualTo(1UL));
    }
}
