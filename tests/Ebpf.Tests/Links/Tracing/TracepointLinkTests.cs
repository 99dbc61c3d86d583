using System.Text.Json;
using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>Tracepoint links on syscalls/sys_enter_getpid, and the common link operations over them.</summary>
[Category("Kernel")]
[Category("Link")]
public sealed class TracepointLinkTests : CountingProgramFixture
{
    [Test]
    public void FiresOnGetpidAndStopsAfterDispose()
    {
        using var program = Loader.Load(BpfProgramType.Tracepoint);
        var link = program.AttachTracepoint("syscalls", "sys_enter_getpid");
        ulong fired = Loader.WaitAbove(0, () => LinkTestNative.GetPid());
        Assert.That(fired, Is.GreaterThan(0UL));

        link.Dispose();
        ulong after = Loader.Count;
        for (int i = 0; i < 10; i++)
        {
            LinkTestNative.GetPid();
        }

        Assert.That(Loader.Count, Is.EqualTo(after));
    }

    [Test]
    public void DetachIsNotSupportedForPerfEventLinks()
    {
        using var program = Loader.Load(BpfProgramType.Tracepoint);
        using var link = program.AttachTracepoint("syscalls", "sys_enter_getpid");
        Assert.That(link.Detach, Throws.InstanceOf<EbpfNotSupportedException>());
    }

    [Test]
    public void InfoMatchesBpftool()
    {
        using var program = Loader.Load(BpfProgramType.Tracepoint);
        // Link info needs a bpf_link over the perf event; the kernel has those with BPF cookies (5.15).
        using var link = KernelRefusal.Run("BPF cookie on perf events", () => program.AttachTracepoint("syscalls", "sys_enter_getpid", cookie: 42));
        var info = link.Info();
        using var scope = Assert.EnterMultipleScope();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.PerfEvent));
        Assert.That(info.ProgramId, Is.EqualTo(TestProgramLoader.ProgramId(program)));
        if (PerfEventLinkInfo.IsReported(info))
        {
            Assert.That(info.PerfEventKind, Is.EqualTo(PerfEventLinkKind.Tracepoint));
            Assert.That(info.Name, Is.EqualTo("sys_enter_getpid"));
            Assert.That(info.Cookie, Is.EqualTo(42UL));
        }

        using var json = JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "link", "show", "id", info.Id.ToString()));
        var root = json.RootElement;
        Assert.That(root.GetProperty("id").GetUInt32(), Is.EqualTo(info.Id));
        Assert.That(root.GetProperty("prog_id").GetUInt32(), Is.EqualTo(info.ProgramId));
        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("perf_event"));
    }

    [Test]
    public void EnumerateAndOpenByIdFindTheLink()
    {
        using var program = Loader.Load(BpfProgramType.Tracepoint);
        using var link = program.AttachTracepoint("syscalls", "sys_enter_getpid");
        uint id = KernelRefusal.Run("bpf_link over a perf event", () => link.Info().Id);
        Assert.That(Link.Enumerate().Select(l => l.Id), Does.Contain(id));
        using var reopened = Link.OpenById(id);
        Assert.That(reopened.Info().ProgramId, Is.EqualTo(TestProgramLoader.ProgramId(program)));
    }

    [Test]
    public void PinnedLinkSurvivesTheHandle()
    {
        using var bpffs = BpffsDirectory.Mount();
        string pin = Path.Combine(bpffs.Path, "tp_link");
        using var program = Loader.Load(BpfProgramType.Tracepoint);
        uint id;
        using (var link = program.AttachTracepoint("syscalls", "sys_enter_getpid"))
        {
            id = KernelRefusal.Run("bpf_link over a perf event", () => link.Info().Id);
            link.Pin(pin);
        }

        ulong before = Loader.Count;
        Assert.That(Loader.WaitAbove(before, () => LinkTestNative.GetPid()), Is.GreaterThan(before), "pinned link still fires");

        using (var reopened = Link.OpenPinned(pin))
        {
            Assert.That(reopened.Info().Id, Is.EqualTo(id));
            reopened.Unpin();
        }

        Assert.That(File.Exists(pin), Is.False);
        Assert.That(Link.Enumerate().Select(l => l.Id), Does.Not.Contain(id));
    }

    [Test]
    public void UpdateIsNotSupportedForPerfEventLinks()
    {
        using var program = Loader.Load(BpfProgramType.Tracepoint);
        using var other = Loader.Load(BpfProgramType.Tracepoint);
        using var link = program.AttachTracepoint("syscalls", "sys_enter_getpid");
        Assert.That(() => link.Update(other), Throws.InstanceOf<Exception>());
    }

    [Test]
    public void UnknownTracepointIsAnArgumentError()
    {
        using var program = Loader.Load(BpfProgramType.Tracepoint);
        Assert.That(() => program.AttachTracepoint("syscalls", "no_such_tracepoint"), Throws.ArgumentException);
    }
}
