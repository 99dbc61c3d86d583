using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>Typed reads of <see cref="PerfEventReader"/> over a fake one-page ring: padded and wrapping samples, lost records, size checks.</summary>
public sealed unsafe class PerfEventReaderTypedTests : FakePerfEventRing
{
    [Test]
    public void ConsumeReadsPaddedAndWrappingSamplesAndSkipsLostRecords()
    {
        using var reader = NewReader();
        _head = (ulong)PageSize - 16; // the first sample wraps the ring end
        *(ulong*)(_mapping + DataTailOffset) = _head;
        AppendSample(Event(1, 10, 12)); // 12 bytes: padded by the kernel to 8 after the u32 size
        AppendLost(5);
        AppendSample(Event(2, 20, 12));
        Publish();
        var seen = new List<(ulong, uint)>();
        Assert.That(reader.Consume((ref readonly Sample s) => seen.Add((s.Seq, s.Pid))), Is.EqualTo(2));
        Assert.That(seen, Is.EqualTo(new[] { (1UL, 10u), (2UL, 20u) }));
        Assert.That(reader.LostSamples, Is.EqualTo(5UL));
        Assert.That(reader.AvailableBytes, Is.Zero);
    }

    [Test]
    public void AStructHandlerGetsSamplesAndKeepsItsState()
    {
        using var reader = NewReader();
        _head = (ulong)PageSize - 16; // the first sample wraps the ring end
        *(ulong*)(_mapping + DataTailOffset) = _head;
        AppendSample(Event(1, 10, 12));
        AppendLost(5);
        AppendSample(Event(2, 20, 12));
        Publish();
        var handler = default(Sum);
        Assert.That(reader.Consume<Sample, Sum>(ref handler), Is.EqualTo(2));
        Assert.That((handler.Count, handler.SeqSum, handler.PidSum), Is.EqualTo((2, 3UL, 30u)), "the state stays in the caller's variable");
        Assert.That(reader.LostSamples, Is.EqualTo(5UL));
        Assert.That(reader.AvailableBytes, Is.Zero);
    }

    [Test]
    public void ShortSamplesThrowAfterBeingConsumed()
    {
        using var reader = NewReader();
        AppendSample(new byte[4]);
        AppendSample(Event(3, 30, 12));
        Publish();
        var e = Assert.Throws<EbpfException>(() => reader.Consume((ref readonly Sample s) => Assert.Fail("short")));
        Assert.That(e!.Message, Does.Contain("perf event record of 4 bytes is shorter than Sample (12 bytes)"));
        var seen = new List<ulong>();
        Assert.That(reader.Consume((ref readonly Sample s) => seen.Add(s.Seq)), Is.EqualTo(1));
        Assert.That(seen, Is.EqualTo(new[] { 3UL }));
    }

    [Test]
    public void ReadAllAsyncYieldsSamplesAndSkipsLostRecords()
    {
        using var reader = NewReader();
        AppendLost(2);
        AppendSample(Event(4, 40, 12));
        AppendSample(Event(5, 50, 12));
        Publish();
        var seen = new List<ulong>();
        foreach (var sample in reader.ReadAllAsync<Sample>().ToBlockingEnumerable())
        {
            seen.Add(sample.Seq);
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.That(seen, Is.EqualTo(new[] { 4UL, 5UL }));
        Assert.That(reader.LostSamples, Is.EqualTo(2UL));
    }

    /// <summary>The sample <c>struct { __u64 seq; __u32 pid; }</c> packed to 12 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Sample
    {
        public ulong Seq;
        public uint Pid;
    }

    private static byte[] Event(ulong seq, uint pid, int size)
    {
        var bytes = new byte[size];
        BitConverter.TryWriteBytes(bytes, seq);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), pid);
        return bytes;
    }

    private struct Sum : IEventRecordHandler<Sample>
    {
        public int Count;
        public ulong SeqSum;
        public uint PidSum;

        public void Handle(ref readonly Sample value)
        {
            Count++;
            SeqSum += value.Seq;
            PidSum += value.Pid;
        }
    }
}
