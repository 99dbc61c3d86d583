using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

public sealed class BpfObjectNameTests
{
    [Test]
    public void RoundTripsAndTerminates()
    {
        var name = BpfObjectName.From("my_map.v1");
        ReadOnlySpan<byte> bytes = name;
        using var scope = Assert.EnterMultipleScope();
        Assert.That(name.ToString(), Is.EqualTo("my_map.v1"));
        Assert.That(bytes.Length, Is.EqualTo(16));
        Assert.That(bytes[9], Is.Zero);
    }

    [Test]
    public void FifteenCharactersFit()
    {
        Assert.That(BpfObjectName.From("abcdefghijklmno").ToString(), Is.EqualTo("abcdefghijklmno"));
    }

    [TestCase("abcdefghijklmnop")]
    [TestCase("has space")]
    [TestCase("dash-ed")]
    public void RejectsWhatTheKernelRejects(string name)
    {
        Assert.Throws<ArgumentException>(() => BpfObjectName.From(name));
    }

    [Test]
    public void DefaultIsEmpty()
    {
        Assert.That(default(BpfObjectName).ToString(), Is.Empty);
    }
}
