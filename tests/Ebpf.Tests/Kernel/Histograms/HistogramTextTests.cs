using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel.Histograms;

/// <summary>
/// The text of <see cref="Log2Histogram"/> and <see cref="LinearHistogram"/> against libbpf-tools' <c>print_log2_hist</c>
/// and <c>print_linear_hist</c> (bcc libbpf-tools/trace_helpers.c). The expected strings were derived from the C
/// format strings (<c>"%*s%-*s : count    distribution\n"</c>, <c>"%*lld -> %-*lld : %-8d |"</c>, stars
/// <c>min(val, max) * width / max</c>) and checked once against the output of those functions compiled with gcc.
/// </summary>
public sealed class HistogramTextTests
{
    private static string Bar(int stars, int width = 40) => "|" + new string('*', stars) + new string(' ', width - stars) + "|";

    private static ulong[] Slots(int count, params (int Slot, ulong Count)[] values)
    {
        var slots = new ulong[count];
        foreach (var (slot, value) in values)
        {
            slots[slot] = value;
        }

        return slots;
    }

    [Test]
    public void AllZeroPrintsNothing()
    {
        Assert.That(new Log2Histogram(new ulong[27]).ToString("usecs"), Is.Empty);
        Assert.That(new LinearHistogram(new ulong[10], 0, 10).ToString("msecs"), Is.Empty);
        Assert.That(new Log2Histogram([]).ToString("usecs"), Is.Empty);
    }

    [Test]
    public void OneSlotPrintsUpToIt()
    {
        string expected =
            "     usecs               : count    distribution\n" +
            "         0 -> 1          : 0        " + Bar(0) + "\n" +
            "         2 -> 3          : 5        " + Bar(40) + "\n";

        Assert.That(new Log2Histogram(Slots(27, (1, 5))).ToString("usecs"), Is.EqualTo(expected));
    }

    [Test]
    public void TrailingEmptySlotsAreTrimmedAndStarsScaleToTheLargestCount()
    {
        string expected =
            "     usecs               : count    distribution\n" +
            "         0 -> 1          : 1        " + Bar(0) + "\n" +
            "         2 -> 3          : 0        " + Bar(0) + "\n" +
            "         4 -> 7          : 0        " + Bar(0) + "\n" +
            "         8 -> 15         : 12       " + Bar(2) + "\n" +
            "        16 -> 31         : 40       " + Bar(9) + "\n" +
            "        32 -> 63         : 163      " + Bar(40) + "\n" +
            "        64 -> 127        : 98       " + Bar(24) + "\n" +
            "       128 -> 255        : 7        " + Bar(1) + "\n" +
            "       256 -> 511        : 0        " + Bar(0) + "\n" +
            "       512 -> 1023       : 1        " + Bar(0) + "\n";
        var histogram = new Log2Histogram(Slots(27, (0, 1), (3, 12), (4, 40), (5, 163), (6, 98), (7, 7), (9, 1)));

        Assert.That(histogram.ToString("usecs"), Is.EqualTo(expected));
    }

    [Test]
    public void ALongValueTypeWidensTheHeaderOnly()
    {
        string expected =
            "     a value type longer than nineteen : count    distribution\n" +
            "         0 -> 1          : 0        " + Bar(0) + "\n" +
            "         2 -> 3          : 5        " + Bar(40) + "\n";

        Assert.That(new Log2Histogram(Slots(27, (1, 5))).ToString("a value type longer than nineteen"), Is.EqualTo(expected));
    }

    [Test]
    public void CountsWiderThanEightCharactersPushTheBar()
    {
        string expected =
            "     bytes               : count    distribution\n" +
            "         0 -> 1          : 0        " + Bar(0) + "\n" +
            "         2 -> 3          : 0        " + Bar(0) + "\n" +
            "         4 -> 7          : 100000000 " + Bar(40) + "\n" +
            "         8 -> 15         : 50000000 " + Bar(20) + "\n" +
            "        16 -> 31         : 12345678 " + Bar(4) + "\n";
        var histogram = new Log2Histogram(Slots(27, (2, 100_000_000), (3, 50_000_000), (4, 12_345_678)));

        Assert.That(histogram.ToString("bytes"), Is.EqualTo(expected));
    }

    [Test]
    public void SlotsPast32UseTheWideLayout()
    {
        var lines = new List<string>
        {
            "               nsecs                         : count    distribution",
        };
        for (int slot = 0; slot <= 33; slot++)
        {
            ulong count = slot switch { 0 => 2, 10 => 3, 33 => 1, _ => 0 };
            ulong low = slot == 0 ? 0 : 1UL << slot;
            ulong high = (1UL << (slot + 1)) - 1;
            lines.Add($"{low,20} -> {high,-20} : {count,-8} " + Bar((int)(count * 20 / 3), 20));
        }

        var histogram = new Log2Histogram(Slots(40, (0, 2), (10, 3), (33, 1)));

        Assert.That(histogram.ToString("nsecs"), Is.EqualTo(string.Join("\n", lines) + "\n"));
        Assert.That(histogram.ToString("nsecs"), Does.Contain("          8589934592 -> 17179869183          : 1        |******              |\n"));
    }

    [Test]
    public void CountsBeyond32BitsPrintInFull()
    {
        var text = new Log2Histogram(Slots(4, (1, 5_000_000_000), (2, 2_500_000_000))).ToString("usecs");

        Assert.That(text, Does.Contain("         2 -> 3          : 5000000000 " + Bar(40) + "\n"));
        Assert.That(text, Does.Contain("         4 -> 7          : 2500000000 " + Bar(20) + "\n"));
    }

    [Test]
    public void TheLastSlotReachesTheTopOfUlong()
    {
        var histogram = new Log2Histogram(Slots(64, (63, 1)));

        Assert.That(histogram.ToString("ns"), Does.EndWith(" 9223372036854775808 -> 18446744073709551615 : 1        " + Bar(20, 20) + "\n"));
        Assert.That(() => new Log2Histogram(new ulong[65]), Throws.ArgumentException);
    }

    [Test]
    public void LinearPrintsOnlyNonZeroSlotsBetweenTheFirstAndLast()
    {
        string expected =
            "     msecs         : count     distribution\n" +
            "        110        : 2        " + Bar(11) + "\n" +
            "        130        : 7        " + Bar(40) + "\n" +
            "        140        : 1        " + Bar(5) + "\n";

        Assert.That(new LinearHistogram(Slots(10, (1, 2), (3, 7), (4, 1)), 100, 10).ToString("msecs"), Is.EqualTo(expected));
    }

    [Test]
    public void WriteUsesNewlinesWhateverTheWriterSays()
    {
        using var writer = new StringWriter { NewLine = "\r\n" };

        new Log2Histogram(Slots(2, (0, 1))).Write(writer, "usecs");

        Assert.That(writer.ToString(), Does.Not.Contain("\r"));
        Assert.That(new Log2Histogram(Slots(2, (0, 1))).ToString(), Does.StartWith("     value    "));
    }
}
