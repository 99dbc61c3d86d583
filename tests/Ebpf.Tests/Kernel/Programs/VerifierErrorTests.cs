using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary>Deliberately wrong programs (tests/bpf/verifier_errors_noload.bpf.c): each summary names the real cause and the source line.</summary>
[Category("Kernel")]
public class VerifierErrorTests
{
    [TestCase("out_of_bounds", "invalid access to packet", "data[100]")]
    [TestCase("unchecked_null", "map_value_or_null", "*value += 1")]
    [TestCase("bad_helper", "bpf_skb_store_bytes", "bpf_skb_store_bytes((void *)ctx")]
    [TestCase("too_complex", "too large", "sum += i * 3")]
    public void SummaryNamesTheCauseAndTheSourceLine(string program, string cause, string source)
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("verifier_errors_noload"));
        var mapsOnly = spec.Copy();
        mapsOnly.Programs.Clear();
        using var maps = Collection.Load(mapsOnly);
        var options = new ProgramLoadOptions { Maps = maps.Maps.ToDictionary(kv => kv.Key, kv => kv.Value.FileDescriptor) };
        var error = Assert.Throws<EbpfVerifierException>(() => Program.Load(spec.Programs[program], options))!;
        TestContext.Out.WriteLine(error.Message);
        Assert.That(error.Message, Does.Contain(cause));
        if (source.Length > 0)
        {
            Assert.That(error.Message, Does.Contain(source).And.Contain("verifier_errors_noload.bpf.c:"));
        }

        Assert.That(error.Log, Does.Contain(cause), "the whole log is kept");
        Assert.That(error.Message.Split('\n').Length, Is.LessThan(12), "the summary is short");
    }
}
