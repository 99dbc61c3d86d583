using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// Ring-or-perf buffers: tests/bpf/event_buffer.bpf.c (build/include/ebpf/buffer.bpf.h) loaded as a ring buffer where
/// the kernel has one, and as a perf event array when forced, its events read typed by <see cref="EventBufferReader"/>.
/// </summary>
[Category("Kernel")]
public sealed class EventBufferKernelTests
{
    private static readonly byte[] Packet = new byte[64];

    [Test]
    public void TheRingBufferIsChosenWhereTheKernelHasIt()
    {
        KernelRefusal.Require("BPF_MAP_TYPE_RINGBUF", () => Features.Default.HaveMapType(BpfMapType.Ringbuf));
        var spec = CollectionSpec.Load(TestPrograms.Path("event_buffer"));
        Assert.That(EventBuffer.Prepare(spec), Is.EqualTo(EventBufferKind.RingBuffer));
        Assert.That(spec.Maps["events"].Type, Is.EqualTo(BpfMapType.Ringbuf));
        SendAndRead(spec, EventBufferKind.RingBuffer);
    }

    [Test]
    public void ThePerfEventArrayFallbackWorksWhenForced()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("event_buffer"));
        Assert.That(EventBuffer.Prepare(spec, EventBufferKind.PerfEventArray), Is.EqualTo(EventBufferKind.PerfEventArray));
        Assert.That(spec.Maps["events"].Type, Is.EqualTo(BpfMapType.PerfEventArray));
        SendAndRead(spec, EventBufferKind.PerfEventArray);
    }

    [TestCase(EventBufferKind.RingBuffer)]
    [TestCase(EventBufferKind.PerfEventArray)]
    public async Task ReadAllAsyncStreamsTheEventsOfEitherKind(EventBufferKind kind)
    {
        if (kind == EventBufferKind.RingBuffer)
        {
            KernelRefusal.Require("BPF_MAP_TYPE_RINGBUF", () => Features.Default.HaveMapType(BpfMapType.Ringbuf));
        }

        var spec = CollectionSpec.Load(TestPrograms.Path("event_buffer"));
        EventBuffer.Prepare(spec, kind);
        using var collection = Collection.Load(spec);
        using var reader = new EventBufferReader(collection.Maps["events"]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reading = Task.Run(async () =>
        {
            var seen = new List<ulong>();
            await foreach (var e in reader.ReadAllAsync<BufferEvent>(cancel.Token))
            {
                seen.Add(e.Seq);
                if (seen.Count == 3)
                {
                    break;
                }
            }

            return seen;
        });
        for (int i = 0; i < 3; i++)
        {
            Assert.That(collection.Programs["emit"].TestRun(Packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: the event was sent");
        }

        Assert.That(await reading, Is.EqualTo(new[] { 0UL, 1UL, 2UL }));
    }

    [TestCase(EventBufferKind.RingBuffer)]
    [TestCase(EventBufferKind.PerfEventArray)]
    public async Task ByteStreamsReuseOneBufferUntilTheNextRecord(EventBufferKind kind)
    {
        if (kind == EventBufferKind.RingBuffer)
        {
            KernelRefusal.Require("BPF_MAP_TYPE_RINGBUF", () => Features.Default.HaveMapType(BpfMapType.Ringbuf));
        }

        var spec = CollectionSpec.Load(TestPrograms.Path("event_buffer"));
        EventBuffer.Prepare(spec, kind);
        using var collection = Collection.Load(spec);
        using var reader = new EventBufferReader(collection.Maps["events"]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(collection.Programs["emit"].TestRun(Packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: the event was sent");
        }

        ReadOnlyMemory<byte> first = default;
        var seen = new List<ulong>();
        await foreach (var data in reader.ReadAllAsync(RecordLifetime.UntilNextRecord, cancel.Token))
        {
            Assert.That(data.Length, Is.GreaterThanOrEqualTo(Marshal.SizeOf<BufferEvent>()));
            ulong seq = MemoryMarshal.Read<ulong>(data.Span);
            if (seen.Count == 0)
            {
                first = data;
                await Task.Delay(20, cancel.Token);
                Assert.That(MemoryMarshal.Read<ulong>(data.Span), Is.EqualTo(seq), "intact while the body awaits");
            }
            else
            {
                Assert.That(RecordStreams.SameArray(first, data), Is.True, "later records land in the same buffer");
                Assert.That(MemoryMarshal.Read<ulong>(first.Span), Is.EqualTo(seq));
            }

            seen.Add(seq);
            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.That(seen, Is.EqualTo(new[] { 0UL, 1UL, 2UL }));
    }

    private static void SendAndRead(CollectionSpec spec, EventBufferKind kind)
    {
        using var collection = Collection.Load(spec);
        Assert.That(collection.Maps["events"].Type, Is.EqualTo(kind == EventBufferKind.RingBuffer ? BpfMapType.Ringbuf : BpfMapType.PerfEventArray));
        using var reader = new EventBufferReader(collection.Maps["events"]);
        Assert.That(reader.Kind, Is.EqualTo(kind));
        Assert.That(kind == EventBufferKind.RingBuffer ? (object?)reader.RingBuffer : reader.PerfEvents, Is.Not.Null);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(collection.Programs["emit"].TestRun(Packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: ebpf_buffer_submit sent the event");
        }

        Assert.That(collection.Programs["output"].TestRun(Packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: ebpf_buffer_output sent the event");
        var seen = new List<(ulong Seq, uint Kind, uint Magic, string Comm)>();
        Assert.That(reader.Wait(TimeSpan.FromSeconds(5)), Is.True);
        int count = reader.Consume((ref readonly BufferEvent e) => seen.Add((e.Seq, e.Kind, e.Magic, FixedString.Decode(e.Comm))));
        Assert.That(count, Is.EqualTo(4));
        uint expectedKind = (uint)kind;
        Assert.That(seen, Is.EqualTo(new[]
        {
            (0UL, expectedKind, 0xeb9f0001u, "buffer"),
            (1UL, expectedKind, 0xeb9f0001u, "buffer"),
            (2UL, expectedKind, 0xeb9f0001u, "buffer"),
            (3UL, expectedKind, 0xeb9f0002u, ""),
        }));
        Assert.That(reader.LostSamples, Is.Zero);
    }

    /// <summary><c>struct buffer_event</c> of event_buffer.bpf.c.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BufferEvent
    {
        public ulong Seq;
        public uint Kind;
        public uint Magic;
        public Comm16 Comm;
    }

    [InlineArray(16)]
    private struct Comm16
    {
        private byte _first;
    }
}
