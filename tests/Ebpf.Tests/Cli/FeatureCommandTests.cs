using System.Text.Json;
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

    private static readonly string[] DiffersByDesignJson = ["have_tracing_prog_type", "have_ext_prog_type", "have_lsm_prog_type"];

    [Test]
    public void ProbeAgreesWithBpftoolOnEveryTypeAndFeatureBpftoolKnows()
    {
        var ours = new StringWriter();
        Assert.That(FeatureCommand.Probe(Features.Default, json: false, ours), Is.EqualTo(0));
        var ourLines = Lines(ours.ToString());
        var theirs = Lines(ExternalTool.Run("bpftool", "feature", "probe", "kernel"));
        Assert.That(theirs.Count(l => l.StartsWith("eBPF program_type", StringComparison.Ordinal)), Is.GreaterThan(20));
        Assert.That(theirs, Does.Contain("ISA extension v3 is available").And.Contain("bpf() syscall is available"));
        foreach (var line in theirs.Where(l => !DiffersByDesign.Any(l.Contains)))
        {
            Assert.That(ourLines, Does.Contain(line));
        }
    }

    [Test]
    public void JsonHasBpftoolsKeysAndValues()
    {
        using var ours = JsonDocument.Parse(Json());
        using var theirs = JsonDocument.Parse(ExternalTool.Run("bpftool", "feature", "probe", "kernel", "-j"));
        foreach (string section in new[] { "syscall_config", "program_types", "map_types", "misc" })
        {
            var ourSection = ours.RootElement.GetProperty(section);
            foreach (var property in theirs.RootElement.GetProperty(section).EnumerateObject().Where(p => !DiffersByDesignJson.Contains(p.Name)))
            {
                Assert.That(ourSection.TryGetProperty(property.Name, out var value), Is.True, $"{section}.{property.Name}");
                Assert.That(value.GetBoolean(), Is.EqualTo(property.Value.GetBoolean()), $"{section}.{property.Name}");
            }
        }

        // bpftool 7.1 has no v4 key: ours says what the probe says (InstructionFeaturesKernelTests holds the probe to the verifier).
        bool v4 = true;
        try
        {
            Features.Default.HaveV4Isa();
        }
        catch (EbpfNotSupportedException)
        {
            v4 = false;
        }

        Assert.That(ours.RootElement.GetProperty("misc").GetProperty("have_v4_isa_extension").GetBoolean(), Is.EqualTo(v4));
    }

    [Test]
    public void HelperListsAreWhatEachProgramTypeMayCall()
    {
        using var ours = JsonDocument.Parse(Json());
        using var theirs = JsonDocument.Parse(ExternalTool.Run("bpftool", "feature", "probe", "kernel", "-j"));
        var our = Helpers(ours.RootElement);
        var their = Helpers(theirs.RootElement);
        Assert.That(our.Keys, Is.SupersetOf(their.Keys.Where(k => k.StartsWith("xdp", StringComparison.Ordinal))));

        // bpftool 7.1 (libbpf 1.1) reads only "invalid func"/"unknown func" as missing; Linux 6.x says "program of
        // this type cannot use helper", which it takes for success, so its lists hold every helper it knows. Ours
        // leave those out: every helper we list, bpftool lists too (bar the ones newer than its headers).
        foreach (var (type, helpers) in our.Where(h => their.ContainsKey(h.Key)))
        {
            Assert.That(helpers.Where(h => h is not ("bpf_cgrp_storage_get" or "bpf_cgrp_storage_delete")), Is.SubsetOf(their[type]), type);
        }

        Assert.That(our["xdp_available_helpers"], Does.Contain("bpf_xdp_adjust_head").And.Contain("bpf_map_lookup_elem").And.Not.Contain("bpf_skb_store_bytes"));
        Assert.That(our["sched_cls_available_helpers"], Does.Contain("bpf_skb_store_bytes").And.Not.Contain("bpf_xdp_adjust_head"));
        Assert.That(our["socket_filter_available_helpers"], Does.Contain("bpf_skb_load_bytes").And.Not.Contain("bpf_override_return"));
        if (Features.IsSupported(() => Features.Default.HaveProgramType(BpfProgramType.Syscall)))
        {
            Assert.That(our["syscall_available_helpers"], Does.Contain("bpf_sys_bpf").And.Not.Contain("bpf_skb_store_bytes"), "syscall programs are probed sleepable");
        }
        else
        {
            Assert.That(our.Keys, Does.Not.Contain("syscall_available_helpers"), "no syscall programs (5.14+): no list");
        }

        Assert.That(our["kprobe_available_helpers"], Does.Contain("bpf_get_current_pid_tgid").And.Not.Contain("bpf_trace_printk"), "noisy helpers need --full");
        Assert.That(our.Keys, Does.Not.Contain("struct_ops_available_helpers"), "needs an attach target: cannot tell");
    }

    [Test]
    public void FullAlsoProbesTheHelpersThatWriteToTheKernelLog()
    {
        var output = new StringWriter();
        FeatureCommand.Probe(Features.Default, json: true, output, full: true);
        using var doc = JsonDocument.Parse(output.ToString());
        var kprobe = Helpers(doc.RootElement)["kprobe_available_helpers"];
        Assert.That(kprobe, Does.Contain("bpf_trace_printk"));
        if (!kprobe.Contains("bpf_probe_write_user"))
        {
            // Linux withholds it from tracing programs when locked down (integrity or confidentiality): the probe names the lockdown.
            var e = Assert.Throws<EbpfNotSupportedException>(() => Features.Default.HaveHelper(BpfProgramType.Kprobe, Ebpf.Asm.Helper.ProbeWriteUser))!;
            Assert.That(e.Message, Does.Contain("bpf_probe_write_user in BPF_PROG_TYPE_KPROBE programs (the kernel is locked down (").And.Contain("a mode in which Linux withholds it)"));
        }
    }

    private static string Json()
    {
        var output = new StringWriter();
        Assert.That(FeatureCommand.Probe(Features.Default, json: true, output), Is.EqualTo(0));
        return output.ToString();
    }

    private static Dictionary<string, string[]> Helpers(JsonElement root) =>
        root.GetProperty("helpers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray());

    private static List<string> Lines(string text) =>
        text.Split('\n').Where(l => l.StartsWith("eBPF program_type", StringComparison.Ordinal) || l.StartsWith("eBPF map_type", StringComparison.Ordinal)
            || l.EndsWith(" is available", StringComparison.Ordinal) || l.EndsWith(" is NOT available", StringComparison.Ordinal)).ToList();
}
