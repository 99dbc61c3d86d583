using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>Uprobes on a function of a small C program built with gcc for the test.</summary>
[Category("Kernel")]
[Category("Link")]
public sealed class UprobeLinkTests : CountingProgramFixture
{
    // ebpf_semaphore is a USDT-style semaphore: initialised data in .probes (file-backed, unlike .bss), which the
    // kernel raises while a uprobe with that reference counter is attached; main prints it and how many calls saw it set.
    private const string Source = """
        #include <stdio.h>
        #include <stdlib.h>
        volatile unsigned short ebpf_semaphore __attribute__((section(".probes"))) = 0;
        __attribute__((noinline)) int ebpf_probe_target(int x) { __asm__ volatile(""); return x + 1; }
        int main(int argc, char **argv) {
            int n = argc > 1 ? atoi(argv[1]) : 1, s = 0, active = 0;
            for (int i = 0; i < n; i++) { if (ebpf_semaphore) active++; s += ebpf_probe_target(i); }
            printf("%d %d\n", ebpf_semaphore, active);
            return s < 0;
        }
        """;

    private string _dir = string.Empty;
    private string _binary = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("ebpf-links-uprobe-").FullName;
        string source = Path.Combine(_dir, "target.c");
        File.WriteAllText(source, Source);
        _binary = Path.Combine(_dir, "target");
        ExternalTool.Run("gcc", "-O1", "-o", _binary, source);
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void SymbolOffsetMatchesNm()
    {
        // nm prints st_value; for a non-PIE-or-PIE executable the text segment maps file offset = vaddr - segment delta.
        string nm = ExternalTool.Run("nm", _binary);
        string line = nm.Split('\n').Single(l => l.EndsWith(" ebpf_probe_target", StringComparison.Ordinal));
        ulong value = Convert.ToUInt64(line[..line.IndexOf(' ', StringComparison.Ordinal)], 16);
        ulong offset = UprobeSymbols.Offset(_binary, "ebpf_probe_target");
        Assert.That(offset, Is.LessThanOrEqualTo(value));
        Assert.That(offset % 16, Is.EqualTo(value % 16));
        Assert.That(() => UprobeSymbols.Offset(_binary, "no_such_function"), Throws.ArgumentException);
    }

    [Test]
    public void UprobeCountsCalls()
    {
        // The cookie goes along where the kernel has BPF cookies (5.15, the probe says); the count is checked everywhere.
        ulong cookie = Features.IsSupported(Features.Default.HaveBpfCookie) ? 9UL : 0;
        using var program = Loader.Load(BpfProgramType.Kprobe);
        using var link = program.AttachUprobe(_binary, "ebpf_probe_target", new UprobeOptions { Cookie = cookie });
        ExternalTool.Run(_binary, "5");
        Assert.That(Loader.Count, Is.EqualTo(5UL));
        if (PerfEventLinkInfo.Read(link) is { } info && PerfEventLinkInfo.IsReported(info))
        {
            Assert.That(info.PerfEventKind, Is.EqualTo(PerfEventLinkKind.Uprobe));
            Assert.That(info.Name, Is.EqualTo(_binary));
            Assert.That(info.Offset, Is.EqualTo((uint)UprobeSymbols.Offset(_binary, "ebpf_probe_target")));
            Assert.That(info.Cookie, Is.EqualTo(cookie));
        }
    }

    [Test]
    public void UretprobeCountsReturns()
    {
        using var program = Loader.Load(BpfProgramType.Kprobe);
        using var link = program.AttachUprobe(_binary, "ebpf_probe_target", new UprobeOptions { ReturnProbe = true });
        ExternalTool.Run(_binary, "3");
        Assert.That(Loader.Count, Is.EqualTo(3UL));
        PerfEventLinkInfo.AssertKind(link, PerfEventLinkKind.Uretprobe);
    }

    [Test]
    public void PidFilterExcludesOtherProcesses()
    {
        using var program = Loader.Load(BpfProgramType.Kprobe);
        using var link = program.AttachUprobe(_binary, "ebpf_probe_target", new UprobeOptions { Pid = Environment.ProcessId });
        ExternalTool.Run(_binary, "4");
        Assert.That(Loader.Count, Is.Zero);
    }

    [Test]
    public void DisposeDetaches()
    {
        using var program = Loader.Load(BpfProgramType.Kprobe);
        program.AttachUprobe(_binary, "ebpf_probe_target").Dispose();
        ExternalTool.Run(_binary, "4");
        Assert.That(Loader.Count, Is.Zero);
    }

    [Test]
    public void UprobeMultiCountsCallsAndMain()
    {
        using var program = Loader.Load(BpfProgramType.Kprobe, expectedAttachType: BpfAttachType.TraceUprobeMulti);
        using var link = KernelRefusal.Run("uprobe_multi links", () => program.AttachUprobeMulti(_binary, ["ebpf_probe_target", "main"], new UprobeMultiOptions { Cookies = [1, 2] }));
        ExternalTool.Run(_binary, "4");
        Assert.That(Loader.Count, Is.EqualTo(5UL));
        var info = link.Info();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.UprobeMulti));
        Assert.That(info.Count, Is.EqualTo(2u));
        Assert.That(info.Name, Is.EqualTo(_binary));
    }

    [Test]
    public void ReferenceCounterIsRaisedWhileAttached()
    {
        ulong semaphore = UprobeSymbols.VariableOffset(_binary, "ebpf_semaphore");
        Assert.That(() => UprobeSymbols.VariableOffset(_binary, "ebpf_probe_target"), Throws.ArgumentException, "a function is no variable");
        Assert.That(ExternalTool.Run(_binary, "4").Trim(), Is.EqualTo("0 0"));
        using var program = Loader.Load(BpfProgramType.Kprobe);
        using (var link = program.AttachUprobe(_binary, "ebpf_probe_target", new UprobeOptions { ReferenceCounterOffset = semaphore }))
        {
            Assert.That(ExternalTool.Run(_binary, "4").Trim(), Is.EqualTo("1 4"), "the kernel raised the semaphore in the new process");
            Assert.That(Loader.Count, Is.EqualTo(4UL));
            if (Environment.OSVersion.Version >= new Version(6, 13))
            {
                Assert.That(link.Info().ReferenceCounterOffset, Is.EqualTo(semaphore), "bpf_link_info uprobe.ref_ctr_offset (Linux 6.13+)");
            }
        }

        Assert.That(ExternalTool.Run(_binary, "4").Trim(), Is.EqualTo("0 0"), "detached: the semaphore stays down");
    }

    [Test]
    public void ReferenceCounterThroughTracefs()
    {
        if (!File.Exists(Path.Combine(Tracefs.GetPath(), "uprobe_events")))
        {
            Assert.Ignore("uprobe_events: this kernel has no tracefs uprobe events");
        }

        using var program = Loader.Load(BpfProgramType.Kprobe);
        ulong offset = UprobeSymbols.Offset(_binary, "ebpf_probe_target");
        ulong semaphore = UprobeSymbols.VariableOffset(_binary, "ebpf_semaphore");
        using (var link = Uprobe.Attach(program.FileDescriptor, _binary, offset, new UprobeOptions { ReferenceCounterOffset = semaphore },
            TestProgramLoader.Sys, pmu: null))
        {
            string events = File.ReadAllText(Path.Combine(Tracefs.GetPath(), "uprobe_events"));
            Assert.That(events, Does.Contain($"(0x{semaphore:x})"));
            Assert.That(ExternalTool.Run(_binary, "3").Trim(), Is.EqualTo("1 3"));
        }

        Assert.That(ExternalTool.Run(_binary, "3").Trim(), Is.EqualTo("0 0"));
    }

    [Test]
    public void TracefsFallbackCreatesAndRemovesTheProbeEvent()
    {
        if (!File.Exists(Path.Combine(Tracefs.GetPath(), "uprobe_events")))
        {
            Assert.Ignore("uprobe_events: this kernel has no tracefs uprobe events");
        }

        using var program = Loader.Load(BpfProgramType.Kprobe);
        ulong offset = UprobeSymbols.Offset(_binary, "ebpf_probe_target");
        var link = Uprobe.Attach(program.FileDescriptor, _binary, offset, options: null, TestProgramLoader.Sys, pmu: null);
        try
        {
            string events = File.ReadAllText(Path.Combine(Tracefs.GetPath(), "uprobe_events"));
            Assert.That(events, Does.Contain($"ebpf_net/uprobe_{Environment.ProcessId}_"));
            ExternalTool.Run(_binary, "2");
            Assert.That(Loader.Count, Is.EqualTo(2UL));
            PerfEventLinkInfo.AssertKind(link, PerfEventLinkKind.Uprobe); // the kernel reports tracefs uprobes as uprobes
        }
        finally
        {
            link.Dispose();
        }

        string after = File.ReadAllText(Path.Combine(Tracefs.GetPath(), "uprobe_events"));
        Assert.That(after, Does.Not.Contain($"ebpf_net/uprobe_{Environment.ProcessId}_"));
    }
}
