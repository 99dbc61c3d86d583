using Ebpf.Cli.Feature;
using Ebpf.Kernel;

namespace Ebpf.Tests.Cli;

[Category("Kernel")]
public class FeatureCommandTests
{
    // bpftool 7.1 loads tracing, ext and lsm probes without an attach target and reports the kernel's EPERM
    // as "NOT available"; Features.HaveProgramType treats that EPERM as "type known" (an unknown type fails
    // with EINVAL first), so those three lines differ by design.
    private static readonly string[] DiffersByDesign = ["program_type tracing ", "program_type ext ", "program_type lsm "];

    [Test]
    public void ProbeAgreesWithBpftoolOnEveryTypeBpftoolKnows()
    {
        var ours = new StringWriter();
        Assert.That(FeatureCommand.Probe(Features.Default, json: false, ours), Is.EqualTo(0));
        var ourLines = Lines(ours.ToString());
        var theirs = Lines(ExternalTool.Run("bpftool", "feature", "probe", "kernel"));
        Assert.That(theirs, Is.Not.Empty);
        foreach (var line in theirs.Where(l => !DiffersByDesign.Any(l.Contains)))
        {
            Assert.That(ourLines, Does.Contain(line));
        }
    }

    [Test]
    public void JsonListsProgramAndMapTypes()
    {
        var output = new StringWriter();
        FeatureCommand.Probe(Features.Default, json: true, output);
        using var doc = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.That(doc.RootElement.GetProperty("program_types").GetProperty("BPF_PROG_TYPE_XDP").GetBoolean(), Is.True);
        Assert.That(doc.RootElement.GetProperty("map_types").GetProperty("BPF_MAP_TYPE_RINGBUF").GetBoolean(), Is.True);
    }

    private static List<string> Lines(string text) =>
        text.Split('\n').Where(l => l.StartsWith("eBPF program_type", StringComparison.Ordinal) || l.StartsWith("eBPF map_type", StringComparison.Ordinal)).ToList();
}
