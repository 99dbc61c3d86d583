using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>
/// <c>program.Attach()</c> from kprobe, kretprobe, kprobe.multi, kprobe.session, fentry, fexit and lsm sections on the
/// running kernel (<c>attach_sections_probes.bpf.c</c>): each program counts in its own slot of <c>counts</c>, the
/// probes and trampolines when getpid(2) runs, the lsm program when this process opens a file. Where the kernel has no
/// kprobes or fprobe, refuses trampolines (lockdown) or does not run the BPF LSM, the test skips with the SDK's reason;
/// the VMs run them.
/// </summary>
[Category("Kernel")]
[Category("Link")]
public sealed class SectionAttachProbeKernelTests
{
    [TestCase("on_kprobe", 0u, "kprobe")]
    [TestCase("on_kretprobe", 1u, "kretprobe")]
    [TestCase("on_kprobe_multi", 2u, "kprobe_multi")]
    [TestCase("on_fentry", 3u, "fentry")]
    [TestCase("on_fexit", 4u, "fexit")]
    public void SectionAttachesAndFiresUntilDisposed(string program, uint slot, string feature)
    {
        using var collection = KernelRefusal.Run(feature, () => Collection.Load(Only(program)));
        var link = KernelRefusal.Run(feature, () => collection.Programs[program].Attach());
        using (link)
        {
            for (int i = 0; i < 3; i++)
            {
                LinkTestNative.GetPid();
            }

            Assert.That(Count(collection, slot), Is.GreaterThanOrEqualTo(3UL), $"{feature} from section {collection.Programs[program].SectionName}");
        }

        ulong detached = Count(collection, slot);
        LinkTestNative.GetPid();
        Assert.That(Count(collection, slot), Is.EqualTo(detached), "no count after dispose");
    }

    [Test]
    public void KprobeSessionSectionRunsTheProgramOnEntryAndOnReturn()
    {
        var spec = Only("on_kprobe_multi");
        spec.Programs["on_kprobe_multi"] = spec.Programs["on_kprobe_multi"] with
        {
            SectionName = "kprobe.session/__task_pid_nr_ns",
            AttachType = BpfAttachType.TraceKprobeSession,
        };
        using var collection = KernelRefusal.Run("kprobe session", () => Collection.Load(spec));
        var link = KernelRefusal.Run("kprobe session", () => collection.Programs["on_kprobe_multi"].Attach());
        using (link)
        {
            Assert.That(link, Is.TypeOf<KprobeMultiLink>());
            ulong before = Count(collection, 2);
            for (int i = 0; i < 3; i++)
            {
                LinkTestNative.GetPid();
            }

            Assert.That(Count(collection, 2) - before, Is.GreaterThanOrEqualTo(6UL), "entry and return of each getpid(2)");
        }

        ulong detached = Count(collection, 2);
        LinkTestNative.GetPid();
        Assert.That(Count(collection, 2), Is.EqualTo(detached), "no run after dispose");
    }

    [Test]
    public void LsmSectionAttachesAndFiresOnFileOpenAlsoThroughAttachAll()
    {
        const uint Slot = 5;
        var spec = Only("on_file_open");
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        using var collection = KernelRefusal.Run("lsm", () => Collection.Load(spec));
        var program = collection.Programs["on_file_open"];
        var link = KernelRefusal.Run("lsm", () => program.Attach());
        using (link)
        {
            ulong opens = CountOpens(collection, Slot);
            SkipUnlessTheBpfLsmRuns(opens);
            Assert.That(opens, Is.GreaterThanOrEqualTo(3UL), $"lsm from section {program.SectionName}");
            var info = link.Info();
            Assert.That((link.GetType(), info.Type, info.AttachType), Is.EqualTo((typeof(TracingLink), BpfLinkType.Tracing, BpfAttachType.LsmMac)));
        }

        Assert.That(CountOpens(collection, Slot), Is.Zero, "no count after the link is disposed");

        // Attaching the program again needs Linux 5.13 (before, its first link's close drops its target, and the SDK says
        // so): there AttachAll runs on a second load of the collection.
        Collection? reloaded = null;
        LinkSet links;
        try
        {
            links = collection.AttachAll();
        }
        catch (EbpfNotSupportedException e) when (e.MinimumKernelVersion == "5.13")
        {
            reloaded = Collection.Load(spec);
            links = reloaded.AttachAll();
        }

        using (reloaded)
        {
            var counted = reloaded ?? collection;
            using (links)
            {
                Assert.That(links, Has.Count.EqualTo(1).And.All.TypeOf<TracingLink>());
                Assert.That(CountOpens(counted, Slot), Is.GreaterThanOrEqualTo(3UL), "lsm attached by AttachAll");
            }

            Assert.That(CountOpens(counted, Slot), Is.Zero, "no count after the link set is disposed");
        }
    }

    /// <summary>Opens a file three times; returns how much <paramref name="slot"/> grew meanwhile.</summary>
    private static ulong CountOpens(Collection collection, uint slot)
    {
        ulong before = Count(collection, slot);
        for (int i = 0; i < 3; i++)
        {
            File.ReadAllBytes("/proc/self/stat");
        }

        return Count(collection, slot) - before;
    }

    /// <summary>
    /// The kernel loads and attaches lsm programs whether or not the BPF LSM is active, but runs their hooks only when
    /// it is: with no count and 'bpf' missing from the active LSMs, skip saying so.
    /// </summary>
    private static void SkipUnlessTheBpfLsmRuns(ulong opens)
    {
        if (opens == 0 && PermissionDiagnosis.Read().Lsms is { } lsms && !lsms.Contains("bpf"))
        {
            Assert.Ignore($"lsm: the program attached but 'bpf' is not among the active LSMs ({string.Join(',', lsms)}; add it to the lsm= boot parameter), so its hooks never run");
        }
    }

    /// <summary>The object with every program but <paramref name="name"/> left out (autoload off).</summary>
    private static CollectionSpec Only(string name)
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("attach_sections_probes"));
        foreach (string other in spec.Programs.Keys.Where(n => n != name).ToList())
        {
            spec.Programs[other] = spec.Programs[other] with { Autoload = false };
        }

        return spec;
    }

    private static ulong Count(Collection collection, uint slot)
    {
        Span<byte> value = stackalloc byte[8];
        collection.Maps["counts"].Lookup(BitConverter.GetBytes(slot), value);
        return BitConverter.ToUInt64(value);
    }
}
