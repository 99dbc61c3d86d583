using Ebpf.Kernel;
using Ebpf.Links;
using Ebpf.Specs;

namespace Ebpf.Tests.Links;

/// <summary>
/// kprobe, kretprobe and kprobe_multi links on the running kernel, each seen firing in the counter map when the test
/// calls getpid(2). A kernel without kprobes (this machine: no kprobe PMU, no kprobe_events) or without fprobe skips
/// with the SDK's <see cref="EbpfNotSupportedException"/>; the attach sequences are checked with a mocked kernel in
/// <see cref="KprobeLinkTests"/> and <see cref="MultiAndEventLinkTests"/>.
/// </summary>
[Category("Kernel")]
[Category("Link")]
public sealed class KprobeAttachTests : CountingProgramFixture
{
    /// <summary>getpid(2) → task_tgid_vnr → __task_pid_nr_ns, a plain exported function on every kernel since 2.6.</summary>
    private const string Function = "__task_pid_nr_ns";

    [Test]
    public void KprobeFiresAndDetaches()
    {
        using var program = Loader.Load(BpfProgramType.Kprobe);
        var link = Attach("kprobe", () => program.AttachKprobe(Function));
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.GreaterThan(0UL));
        AssertStopsOnDispose(link);
    }

    [Test]
    public void KretprobeFiresAndDetaches()
    {
        using var program = Loader.Load(BpfProgramType.Kprobe);
        var link = Attach("kretprobe", () => program.AttachKprobe(Function, new KprobeOptions { ReturnProbe = true }));
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.GreaterThan(0UL));
        AssertStopsOnDispose(link);
    }

    [Test]
    public void KprobeCookieReachesTheProgram()
    {
        const ulong Cookie = 0xC0FFEE_0000_4321;
        KernelRefusal.Require("BPF cookie", Features.Default.HaveBpfCookie);
        using var program = TestProgramLoader.LoadCode(BpfProgramType.Kprobe, Loader.CookieCode(), name: "cookie");
        using var link = Attach("kprobe BPF cookie", () => program.AttachKprobe(Function, new KprobeOptions { Cookie = Cookie }));
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.EqualTo(Cookie));
    }

    [Test]
    public void KprobeMultiFiresAndDetaches()
    {
        using var program = Loader.Load(BpfProgramType.Kprobe, expectedAttachType: BpfAttachType.TraceKprobeMulti);
        var link = Attach("kprobe_multi", () => program.AttachKprobeMulti([Function, "vfs_read"]));
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.GreaterThan(0UL));
        Assert.That(link.Info().Type, Is.EqualTo(BpfLinkType.KprobeMulti));
        AssertStopsOnDispose(link);
    }

    [Test]
    public void KretprobeMultiCookieReachesTheProgram()
    {
        const ulong Cookie = 0xC0FFEE_0000_5678;
        KernelRefusal.Require("BPF cookie", Features.Default.HaveBpfCookie);
        using var program = TestProgramLoader.LoadCode(BpfProgramType.Kprobe, Loader.CookieCode(), BpfAttachType.TraceKprobeMulti, name: "cookie");
        using var link = Attach("kretprobe_multi", () => program.AttachKprobeMulti([Function], new KprobeMultiOptions { ReturnProbe = true, Cookies = [Cookie] }));
        Assert.That(Loader.WaitAbove(0, () => LinkTestNative.GetPid()), Is.EqualTo(Cookie));
    }

    /// <summary>Attaches, skipping the test when the kernel lacks the feature (the SDK's <see cref="EbpfNotSupportedException"/>) or refuses it for a reason of this machine.</summary>
    private static T Attach<T>(string feature, Func<T> attach)
    {
        try
        {
            return KernelRefusal.Run(feature, attach);
        }
        catch (EbpfNotSupportedException e)
        {
            Assert.Ignore($"{feature}: {e.Message}");
            throw;
        }
    }

    /// <summary>Disposes <paramref name="link"/> and checks that the hook no longer counts.</summary>
    private void AssertStopsOnDispose(IDisposable link)
    {
        link.Dispose();
        Thread.Sleep(20); // a run that began before the detach may still finish
        ulong after = Loader.Count;
        LinkTestNative.GetPid();
        Assert.That(Loader.Count, Is.EqualTo(after));
    }
}
