using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// tests/bpf/live_globals.bpf.c run with BPF_PROG_TEST_RUN while the generated LiveGlobalsObjects reads and writes its
/// globals live: a .bss counter the program increments by a .data step, a .rodata limit that is read-only once loaded.
/// </summary>
[Category("Kernel")]
public class LiveGlobalsKernelTests
{
    private static readonly byte[] Packet = new byte[64];

    [Test]
    public void TheProgramAndTheGeneratedGlobalsSeeEachOthersWrites()
    {
        using var objects = LiveGlobalsObjects.Load();
        var globals = objects.Globals;
        Assert.That(globals.Counter, Is.Zero);
        Assert.That(globals.Step, Is.EqualTo(1u));
        Assert.That(globals.Limit, Is.EqualTo(1000u));

        Run(objects, 3);
        Assert.That(globals.Counter, Is.EqualTo(3UL), "three runs added step 1");
        Assert.That(globals.SeenLimit, Is.EqualTo(1000u));

        globals.Step = 5;
        Run(objects, 1);
        Assert.That(globals.Counter, Is.EqualTo(8UL), "the program read the step written from C#");

        globals.Counter = 100;
        Run(objects, 2);
        Assert.That(globals.Counter, Is.EqualTo(110UL));

        var counter = objects.Collection.Variables["counter"];
        Assert.That(counter.IsMemoryMapped, Is.True, ".bss is created mmapable, as libbpf creates it");
        Assert.That(objects.Collection.Variables["step"].IsMemoryMapped, Is.True);
        Assert.That(counter.IsReadOnly, Is.False);
    }

    [Test]
    public void WritingRodataAfterLoadThrowsAndBeforeLoadReachesTheProgram()
    {
        var spec = LiveGlobalsObjects.LoadSpec();
        new LiveGlobalsObjects.Variables(spec).Limit = 7;
        using var objects = LiveGlobalsObjects.Load(spec);
        Run(objects, 1);
        Assert.That(objects.Globals.SeenLimit, Is.EqualTo(7u));
        Assert.That(objects.Globals.Limit, Is.EqualTo(7u));
        Assert.That(objects.Collection.Variables["limit"].IsReadOnly, Is.True);
        Assert.That(() => objects.Globals.Limit = 8, Throws.InvalidOperationException.With.Message.Contains("frozen"));
        Assert.That(() => objects.Collection.Variables["limit"].AsSpan(), Throws.InvalidOperationException);
        Assert.That(objects.Globals.Limit, Is.EqualTo(7u));
    }

    [Test]
    public void ASpanOverTheMappedCounterFollowsTheProgram()
    {
        using var objects = LiveGlobalsObjects.Load();
        ref ulong counter = ref MemoryMarshal.AsRef<ulong>(objects.Collection.Variables["counter"].AsSpan());
        Run(objects, 2);
        Assert.That(counter, Is.EqualTo(2UL));
        counter = 40;
        Run(objects, 1);
        Assert.That(objects.Globals.Counter, Is.EqualTo(41UL));
    }

    [Test]
    public void WithoutMmapTheVariablesGoThroughLookupAndUpdate()
    {
        var spec = LiveGlobalsObjects.LoadSpec();
        foreach (var name in new[] { ".bss", ".data" })
        {
            spec.Maps[name] = spec.Maps[name] with { Flags = spec.Maps[name].Flags & ~BpfMapFlags.Mmapable };
        }

        using var objects = LiveGlobalsObjects.Load(spec);
        var counter = objects.Collection.Variables["counter"];
        Assert.That(counter.IsMemoryMapped, Is.False);
        Assert.That(() => counter.AsSpan(), Throws.InvalidOperationException.With.Message.Contains("not memory-mapped"));
        objects.Globals.Step = 3;
        Run(objects, 2);
        Assert.That(objects.Globals.Counter, Is.EqualTo(6UL));
        objects.Globals.Counter = 1;
        Run(objects, 1);
        Assert.That(counter.Get<ulong>(), Is.EqualTo(4UL));
        Assert.That(() => counter.Get<uint>(), Throws.ArgumentException);
    }

    private static void Run(LiveGlobalsObjects objects, int times)
    {
        for (int i = 0; i < times; i++)
        {
            objects.Bump.TestRun(Packet);
        }
    }
}
