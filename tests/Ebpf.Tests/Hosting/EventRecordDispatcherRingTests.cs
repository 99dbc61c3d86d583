using System.Runtime.InteropServices;
using Ebpf.Hosting;
using Ebpf.Tests.Kernel.Readers;

namespace Ebpf.Tests.Hosting;

/// <summary>
/// The typed hosted consumer's dispatch over fake ring buffer memory: records handed to an
/// <see cref="IEbpfRecordHandler{TEvent}"/> in the ring's memory, short records skipped and counted, no allocation.
/// </summary>
public sealed unsafe class EventRecordDispatcherRingTests : FakeRingBuffer
{
    [Test]
    public void RecordsAreHandedInPlaceAsTheEventWithCpuMinusOne()
    {
        using var reader = NewReader();
        long position = Write(0, Event(1, 10), busy: false, discard: false);
        position = Write(position, Event(2, 20), busy: false, discard: true);
        long third = position;
        position = Write(position, Event(3, 30), busy: false, discard: false);
        Publish(position);
        var handler = new RecordingHandler();
        var dispatcher = new EventRecordDispatcher<Sample>(handler);

        Assert.That(dispatcher.Consume(reader), Is.EqualTo(2));
        Assert.That(handler.Seen, Is.EqualTo(new[] { (1UL, 10u, -1), (3UL, 30u, -1) }));
        Assert.That(handler.Addresses, Is.EqualTo(new[] { (nint)(Data + 8), (nint)(Data + third + 8) }), "in the ring's memory, not a copy");
        var batch = dispatcher.TakeBatch();
        Assert.That((batch.Handled, batch.TooShort, batch.LostSamples), Is.EqualTo((2L, 0L, 0UL)));
        Assert.That(dispatcher.TakeBatch().Handled, Is.Zero, "taking a batch starts the counts again");
    }

    [Test]
    public void ShortRecordsAreSkippedAndCountedNotThrown()
    {
        using var reader = NewReader();
        var longer = new byte[Marshal.SizeOf<Sample>() + 5];
        Event(7, 70).CopyTo(longer, 0);
        long position = Write(0, longer, busy: false, discard: false);
        position = Write(position, new byte[12], busy: false, discard: false);
        position = Write(position, Event(9, 90), busy: false, discard: false);
        Publish(position);
        var handler = new RecordingHandler();
        var dispatcher = new EventRecordDispatcher<Sample>(handler);

        Assert.That(dispatcher.Consume(reader), Is.EqualTo(3), "the short record is consumed too");
        Assert.That(handler.Seen.Select(s => s.Seq), Is.EqualTo(new[] { 7UL, 9UL }), "longer records are handed over, shorter ones skipped");
        var batch = dispatcher.TakeBatch();
        Assert.That((batch.Handled, batch.TooShort, batch.ShortLength), Is.EqualTo((2L, 1L, 12)));
        Assert.That(*(long*)_consumer, Is.EqualTo(position));
    }

    [Test]
    public void DispatchAllocatesNothingPerRecord()
    {
        using var reader = NewReader();
        var handler = new SummingHandler();
        var dispatcher = new EventRecordDispatcher<Sample>(handler);
        Publish(Write(0, Event(1, 1), busy: false, discard: false));
        dispatcher.Consume(reader); // warm up: JIT and first calls
        long position = *(long*)_consumer;
        for (int i = 0; i < 100; i++)
        {
            position = Write(position, Event((ulong)i, 0), busy: false, discard: false);
        }

        Publish(position);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = dispatcher.Consume(reader);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(count, Is.EqualTo(100));
        Assert.That(handler.Total, Is.EqualTo(1UL + (99 * 100 / 2)));
        Assert.That(allocated, Is.Zero);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Sample
    {
        public ulong Seq;
        public uint Pid;
        public uint Pad;
    }

    private static byte[] Event(ulong seq, uint pid)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes, seq);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), pid);
        return bytes;
    }

    private sealed class RecordingHandler : IEbpfRecordHandler<Sample>
    {
        public List<(ulong Seq, uint Pid, int Cpu)> Seen { get; } = [];

        public List<nint> Addresses { get; } = [];

        public void Handle(in Sample e, int cpu)
        {
            Seen.Add((e.Seq, e.Pid, cpu));
            fixed (Sample* at = &e)
            {
                Addresses.Add((nint)at);
            }
        }
    }

    private sealed class SummingHandler : IEbpfRecordHandler<Sample>
    {
        public ulong Total { get; private set; }

        public void Handle(in Sample e, int cpu) => Total += e.Seq;
    }
}
