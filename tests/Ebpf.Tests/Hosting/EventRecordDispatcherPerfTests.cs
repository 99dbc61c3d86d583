using System.Runtime.InteropServices;
using Ebpf.Hosting;
using Ebpf.Tests.Kernel.Readers;

namespace Ebpf.Tests.Hosting;

/// <summary>
/// The typed hosted consumer's dispatch over a fake perf ring: samples handed to an
/// <see cref="IEbpfRecordHandler{TEvent}"/> with their CPU (wrapping ones too), lost records and short samples counted,
/// no allocation.
/// </summary>
public sealed unsafe class EventRecordDispatcherPerfTests : FakePerfEventRing
{
    [Test]
    public void SamplesAreHandedWithTheirCpuAndLostAndShortRecordsAreCounted()
    {
        using var reader = NewReader();
        _head = (ulong)PageSize - 16; // the first sample wraps the ring end
        *(ulong*)(_mapping + DataTailOffset) = _head;
        AppendSample(Event(1, 10));
        AppendLost(5);
        AppendSample(new byte[4]);
        AppendSample(Event(2, 20));
        Publish();
        var handler = new RecordingHandler();
        var dispatcher = new EventRecordDispatcher<Sample>(handler);

        Assert.That(dispatcher.Consume(reader), Is.EqualTo(4), "samples, the lost record and the short sample are all consumed");
        Assert.That(handler.Seen, Is.EqualTo(new[] { (1UL, 10u, 3), (2UL, 20u, 3) }));
        var batch = dispatcher.TakeBatch();
        Assert.That((batch.Handled, batch.TooShort, batch.ShortLength, batch.LostSamples, batch.LostCpu), Is.EqualTo((2L, 1L, 4, 5UL, 3)));
        Assert.That(reader.AvailableBytes, Is.Zero);
    }

    [Test]
    public void DispatchAllocatesNothingPerSample()
    {
        using var reader = NewReader();
        var handler = new SummingHandler();
        var dispatcher = new EventRecordDispatcher<Sample>(handler);
        AppendSample(Event(1, 1));
        Publish();
        dispatcher.Consume(reader); // warm up: JIT and first calls
        for (int i = 0; i < 100; i++)
        {
            AppendSample(Event((ulong)i, 0));
            Publish();
            if (i % 50 == 49)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                int count = dispatcher.Consume(reader);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.That(count, Is.EqualTo(50));
                Assert.That(allocated, Is.Zero);
            }
        }

        Assert.That(handler.Total, Is.EqualTo(1UL + (99 * 100 / 2)));
    }

    /// <summary>The sample <c>struct { __u64 seq; __u32 pid; }</c> packed to 12 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Sample
    {
        public ulong Seq;
        public uint Pid;
    }

    private static byte[] Event(ulong seq, uint pid)
    {
        var bytes = new byte[12];
        BitConverter.TryWriteBytes(bytes, seq);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), pid);
        return bytes;
    }

    private sealed class RecordingHandler : IEbpfRecordHandler<Sample>
    {
        public List<(ulong Seq, uint Pid, int Cpu)> Seen { get; } = [];

        public void Handle(in Sample e, int cpu) => Seen.Add((e.Seq, e.Pid, cpu));
    }

    private sealed class SummingHandler : IEbpfRecordHandler<Sample>
    {
        public ulong Total { get; private set; }

        public void Handle(in Sample e, int cpu) => Total += e.Seq;
    }
}
