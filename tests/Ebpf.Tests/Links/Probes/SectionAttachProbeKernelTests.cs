using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>
/// <c>program.Attach()</c> from kprobe, kretprobe, kprobe.multi, kprobe.session, fentry and fexit sections on the running kernel
/// (<c>attach_sections_probes.bpf.c</c>): each program counts in its own slot of <c>counts</c> when getpid(2) runs.
/// Where the kernel has no kprobes or fprobe, or refuses trampolines (lockdown), the test skips with the SDK's reason;
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
