using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// The statically linked tests/bpf/linked objects loaded and run: the strong function is the one that runs, and each
/// static function of a name two units share runs for its own unit's programs.
/// </summary>
[TestFixture]
[Category("Kernel")]
public sealed class StaticLinkingKernelTests
{
    [Test]
    public void LinkedProgramsRunTheStrongFunction()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("linked")));
        var xdp = collection.Programs["linked_xdp"].TestRun(new byte[64]);
        var tc = collection.Programs["linked_tc"].TestRun(new byte[64]);
        Assert.That((xdp.ReturnValue, tc.ReturnValue), Is.EqualTo((2u, 0u)), "XDP_PASS: choose(0) == 2, the strong choose");

        ulong At(uint key)
        {
            Span<byte> value = stackalloc byte[8];
            collection.Maps["linked_results"].Lookup(BitConverter.GetBytes(key), value);
            return BitConverter.ToUInt64(value);
        }

        Assert.That(At(0), Is.EqualTo(3UL + 6), "choose(1) + local_a(2)");
        Assert.That(At(1), Is.EqualTo(((5UL + 10) * 2) + 7 + 2), "add_from_b(linked_counter) + linked_rodata + linked_weak_var");
        Assert.That(At(2), Is.EqualTo(42UL), "choose(40) in linked_b's program");
    }

    [Test]
    public void EachProgramRunsItsOwnStaticFunctionOfASharedName()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("linked_statics")));
        uint Run(string name) => collection.Programs[name].TestRun(new byte[64]).ReturnValue;
        Assert.Multiple(() =>
        {
            Assert.That(Run("statics_a"), Is.EqualTo(64u + 1000), "unit a's helper: len + 1000");
            Assert.That(Run("statics_b"), Is.EqualTo((64u * 3) + 2000), "unit b's helper: len * 3 + 2000");
            Assert.That(Run("statics_both"), Is.EqualTo(64u + 1000 + (64u * 3) + 2000), "both helpers");
            Assert.That(collection.Programs["statics_both"].Info().FuncInfoCount, Is.EqualTo(4u), "a FUNC for each function, the renamed helper too");
        });
    }

    [TestCase(EventBufferKind.RingBuffer)]
    [TestCase(EventBufferKind.PerfEventArray)]
    public void UnitsThatEachIncludeTheEventBufferHeaderSendThroughTheirOwnBuffers(EventBufferKind kind)
    {
        // linked_buffer: both units include ebpf/buffer.bpf.h; the perf fallback writes both units' events in the one
        // ebpf_buffer_heap the linker kept.
        if (kind == EventBufferKind.RingBuffer)
        {
            KernelRefusal.Require("BPF_MAP_TYPE_RINGBUF", () => Features.Default.HaveMapType(BpfMapType.Ringbuf));
        }

        var spec = CollectionSpec.Load(TestPrograms.Path("linked_buffer"));
        Assert.That(EventBuffer.Prepare(spec, kind), Is.EqualTo(kind));
        using var collection = Collection.Load(spec);
        using var a = new EventBufferReader(collection.Maps["events_a"]);
        using var b = new EventBufferReader(collection.Maps["events_b"]);
        Assert.That((a.Kind, b.Kind), Is.EqualTo((kind, kind)));
        Assert.That(collection.Programs["emit_a"].TestRun(new byte[64]).ReturnValue, Is.EqualTo(2u), "XDP_PASS: emit_a sent its event");
        Assert.That(collection.Programs["emit_b"].TestRun(new byte[64]).ReturnValue, Is.EqualTo(2u), "XDP_PASS: emit_b sent its event");

        var seenA = new List<(ulong, uint, uint)>();
        var seenB = new List<(ulong, uint, uint, ulong)>();
        Assert.That(a.Wait(TimeSpan.FromSeconds(5)) && b.Wait(TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(a.Consume((ref readonly EventA e) => seenA.Add((e.Seq, e.Kind, e.Magic))), Is.EqualTo(1));
        Assert.That(b.Consume((ref readonly EventB e) => seenB.Add((e.Seq, e.Kind, e.Magic, e.Extra))), Is.EqualTo(1));
        Assert.That(seenA, Is.EqualTo(new[] { (1UL, (uint)kind, 0xau) }));
        Assert.That(seenB, Is.EqualTo(new[] { (2UL, (uint)kind, 0xbu, 0xbbbbUL) }));
    }

    /// <summary><c>struct event_a</c> of buffer_a.bpf.c.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct EventA
    {
        public ulong Seq;
        public uint Kind;
        public uint Magic;
    }

    /// <summary><c>struct event_b</c> of buffer_b.bpf.c.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct EventB
    {
        public ulong Seq;
        public uint Kind;
        public uint Magic;
        public ulong Extra;
    }
}
