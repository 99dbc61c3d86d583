using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel.Readers;

public sealed class CpuListTests
{
    [TestCase("0", new[] { 0 })]
    [TestCase("0-3\n", new[] { 0, 1, 2, 3 })]
    [TestCase("0-1,4,6-7", new[] { 0, 1, 4, 6, 7 })]
    [TestCase("5,0-1", new[] { 0, 1, 5 })]
    public void ParsesRangesAndSingles(string text, int[] expected) => Assert.That(CpuList.Parse(text), Is.EqualTo(expected));

    [TestCase("3-1")]
    [TestCase("a")]
    [TestCase("1-")]
    public void RejectsBadLists(string text) => Assert.Throws<FormatException>(() => CpuList.Parse(text));

    [Test]
    public void OnlineCpusAreAmongThePossibleOnes() => Assert.That(CpuList.Possible(), Is.SupersetOf(CpuList.Online()));
}
