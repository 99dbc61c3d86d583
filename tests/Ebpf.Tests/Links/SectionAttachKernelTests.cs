using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>
/// <c>program.Attach()</c> and <c>collection.AttachAll()</c> on the running kernel with <c>attach_sections.bpf.c</c>:
/// each program counts in its own slot of <c>counts</c> once its hook fires.
/// </summary>
[Category("Kernel")]
[Category("Link")]
public sealed class SectionAttachKernelTests
{
    private const string TargetSource = """
        __attribute__((noinline)) int ebpf_probe_target(int x) { __asm__ volatile(""); return x + 1; }
        int main(int argc, char **argv) { int s = 0; for (int i = 0; i < 4; i++) s += ebpf_probe_target(i); return s < 0; }
        """;

    private string _dir = string.Empty;
    private string _binary = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("ebpf-links-sections-").FullName;
        string source = Path.Combine(_dir, "target.c");
        File.WriteAllText(source, TargetSource);
        _binary = Path.Combine(_dir, "target");
        ExternalTool.Run("gcc", "-O1", "-o", _binary, source);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>The object with its uprobe's placeholder binary replaced by the one this test built.</summary>
    private CollectionSpec Spec()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("attach_sections"));
        spec.Programs["on_uprobe"] = spec.Programs["on_uprobe"] with { SectionName = $"uprobe/{_binary}:ebpf_probe_target" };
        return spec;
    }

    private static ulong Count(Collection collection, uint slot)
    {
        Span<byte> value = stackalloc byte[8];
        collection.Maps["counts"].Lookup(BitConverter.GetBytes(slot), value);
        return BitConverter.ToUInt64(value);
    }

    [Test]
    public void TracepointSectionAttaches()
    {
        using var collection = Collection.Load(Spec());
        using var link = collection.Programs["on_tracepoint"].Attach();
        Assert.That(link, Is.TypeOf<PerfEventLink>());
        for (int i = 0; i < 3; i++)
        {
            LinkTestNative.GetPid();
        }

        Assert.That(Count(collection, 0), Is.GreaterThanOrEqualTo(3UL));
    }

    [Test]
    public void RawTracepointSectionAttaches()
    {
        using var collection = Collection.Load(Spec());
        using var link = collection.Programs["on_raw_tp"].Attach();
        Assert.That(link, Is.TypeOf<RawTracepointLink>());
        LinkTestNative.GetPid();
        Assert.That(Count(collection, 1), Is.GreaterThan(0UL));
    }

    [Test]
    public void TpBtfSectionAttaches()
    {
        using var collection = Collection.Load(Spec());
        using var link = collection.Programs["on_tp_btf"].Attach();
        Assert.That(link, Is.TypeOf<TracingLink>());
        LinkTestNative.GetPid();
        Assert.That(Count(collection, 2), Is.GreaterThan(0UL));
    }

    [Test]
    public void TaskIteratorSectionAttaches()
    {
        using var collection = Collection.Load(Spec());
        using var link = collection.Programs["on_iter_task"].Attach();
        var iterator = (IterLink)link;
        iterator.ReadAllText();
        Assert.That(Count(collection, 3), Is.GreaterThan(1UL), "once per task, and once at the end");
    }

    [Test]
    public void UprobeSectionAttachesToTheNamedBinaryAndFunction()
    {
        using var collection = Collection.Load(Spec());
        using var link = collection.Programs["on_uprobe"].Attach();
        Assert.That(link, Is.TypeOf<PerfEventLink>());
        ExternalTool.Run(_binary);
        Assert.That(Count(collection, 4), Is.EqualTo(4UL));
    }

    [Test]
    public void UprobeMultiSectionAttachesToEveryMatchingFunction()
    {
        var spec = Spec();
        spec.Programs["on_uprobe"] = spec.Programs["on_uprobe"] with
        {
            SectionName = $"uprobe.multi/{_binary}:ebpf_probe_*",
            AttachType = BpfAttachType.TraceUprobeMulti,
        };
        using var collection = Collection.Load(spec);
        using var link = KernelRefusal.Run("uprobe_multi", () => collection.Programs["on_uprobe"].Attach());
        Assert.That(link, Is.TypeOf<UprobeMultiLink>());
        ExternalTool.Run(_binary);
        Assert.That(Count(collection, 4), Is.EqualTo(4UL));
    }

    [Test]
    public void UprobeSessionSectionRunsTheProgramOnEntryAndOnReturn()
    {
        var spec = Spec();
        spec.Programs["on_uprobe"] = spec.Programs["on_uprobe"] with
        {
            SectionName = $"uprobe.session/{_binary}:ebpf_probe_*",
            AttachType = BpfAttachType.TraceUprobeSession,
        };
        using var collection = Collection.Load(spec);
        var link = KernelRefusal.Run("uprobe session", () => collection.Programs["on_uprobe"].Attach());
        using (link)
        {
            Assert.That(link, Is.TypeOf<UprobeMultiLink>());
            Assert.That(link.Info().Type, Is.EqualTo(BpfLinkType.UprobeMulti));
            ExternalTool.Run(_binary);
            Assert.That(Count(collection, 4), Is.EqualTo(8UL), "4 calls: the program returns 0 on entry, so it runs again on each return");
        }

        ExternalTool.Run(_binary);
        Assert.That(Count(collection, 4), Is.EqualTo(8UL), "no run after dispose");
    }

    [Test]
    public void AttachAllAttachesEveryProgramThatNamesItsTargetAndSkipsTheRest()
    {
        using var collection = Collection.Load(Spec());
        Assert.That(collection.Programs.Keys, Does.Contain("needs_interface").And.Not.Contains("not_autoloaded"));
        using (var links = collection.AttachAll())
        {
            Assert.That(links, Has.Count.EqualTo(5), "every program but the xdp one");
            LinkTestNative.GetPid();
            ExternalTool.Run(_binary);
            ((IterLink)links.Single(l => l is IterLink)).ReadAllText();
            for (uint slot = 0; slot < 5; slot++)
            {
                Assert.That(Count(collection, slot), Is.GreaterThan(0UL), $"slot {slot}");
            }
        }

        ulong before = Count(collection, 4);
        ExternalTool.Run(_binary);
        Assert.That(Count(collection, 4), Is.EqualTo(before), "disposing the set detached the uprobe");
    }

    [Test]
    public void AttachAllDisposesWhatItAttachedWhenOneAttachFails()
    {
        var spec = Spec();
        spec.Programs["on_uprobe"] = spec.Programs["on_uprobe"] with { SectionName = $"uprobe/{_binary}:no_such_function" };
        using var collection = Collection.Load(spec);
        Assert.That(() => collection.AttachAll(), Throws.ArgumentException.With.Message.Contains("no_such_function"));
        ulong before = Count(collection, 1);
        LinkTestNative.GetPid();
        Assert.That(Count(collection, 1), Is.EqualTo(before), "the raw tracepoint attached before the failure was detached");
    }

    [Test]
    public void NotAutoloadedProgramIsLeftOutAndItsMapStillLoads()
    {
        var spec = Spec();
        Assert.That((spec.Programs["not_autoloaded"].Autoload, spec.Programs["on_raw_tp"].Autoload), Is.EqualTo((false, true)));
        spec.Programs["on_raw_tp"] = spec.Programs["on_raw_tp"] with { Autoload = false };
        using var collection = Collection.Load(spec);
        Assert.That(collection.Programs.Keys, Does.Not.Contain("not_autoloaded").And.Not.Contains("on_raw_tp").And.Contains("on_tracepoint"));
        Assert.That(collection.Maps.Keys, Does.Contain("unused_counts"));
    }
}
