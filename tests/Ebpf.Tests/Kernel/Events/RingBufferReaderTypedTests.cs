using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>Typed reads of <see cref="RingBufferReader"/> over fake ring memory: records as a struct, in place, size checks.</summary>
public sealed unsafe class RingBufferReaderTypedTests : FakeRingBuffer
{
    [Test]
    public void ConsumeHandsEachRecordInPlaceAsTheStruct()
    {
        using var reader = NewReader();
        long position = Write(0, Event(1, 10), busy: false, discard: false);
        position = Write(position, Event(2, 20), busy: false, discard: true);
        long third = position;
        position = Write(position, Event(3, 30), busy: false, discard: false);
        Publish(position);
        var seen = new List<(ulong, uint)>();
        var addresses = new List<nint>();
        int count = reader.Consume((ref readonly Sample s) =>
        {
            seen.Add((s.Seq, s.Pid));
            fixed (Sample* at = &s)
            {
                addresses.Add((nint)at);
            }
        });
        Assert.That(count, Is.EqualTo(2));
        Assert.That(seen, Is.EqualTo(new[] { (1UL, 10u), (3UL, 30u) }));
        Assert.That(addresses, Is.EqualTo(new[] { (nint)(Data + 8), (nint)(Data + third + 8) }), "in the ring's memory, not a copy");
        Assert.That(*(long*)_consumer, Is.EqualTo(position));
    }

    [Test]
    public void LongerRecordsAreAcceptedAndShorterOnesThrowAfterBeingConsumed()
    {
        using var reader = NewReader();
        var longer = new byte[Marshal.SizeOf<Sample>() + 5];
        Event(7, 70).CopyTo(longer, 0);
        long position = Write(0, longer, busy: false, discard: false);
        long second = Write(position, new byte[12], busy: false, discard: false);
        Publish(Write(second, Event(9, 90), busy: false, discard: false));
        var seen = new List<ulong>();
        var e = Assert.Throws<EbpfException>(() => reader.Consume((ref readonly Sample s) => seen.Add(s.Seq)));
        Assert.That(e!.Message, Does.Contain("record of 12 bytes is shorter than Sample (16 bytes)"));
        Assert.That(seen, Is.EqualTo(new[] { 7UL }));
        Assert.That(*(long*)_consumer, Is.EqualTo(second), "the short record is consumed");
        Assert.That(reader.Consume((ref readonly Sample s) => seen.Add(s.Seq)), Is.EqualTo(1));
        Assert.That(seen, Is.EqualTo(new[] { 7UL, 9UL }));
    }

    [Test]
    public void ConsumeAllocatesNothingPerRecord()
    {
        using var reader = NewReader();
        ulong total = 0;
        EventRecordHandler<Sample> handler = (ref readonly Sample s) => total += s.Seq;
        Publish(Write(0, Event(1, 1), busy: false, discard: false));
        reader.Consume(handler); // warm up: JIT and first calls
        long position = *(long*)_consumer;
        for (int i = 0; i < 100; i++)
        {
            position = Write(position, Event((ulong)i, 0), busy: false, discard: false);
        }

        Publish(position);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = reader.Consume(handler);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(count, Is.EqualTo(100));
        Assert.That(total, Is.EqualTo(1UL + (99 * 100 / 2)));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void AStructHandlerGetsEachRecordInPlaceAndKeepsItsState()
    {
        using var reader = NewReader();
        long position = Write(0, Event(1, 10), busy: false, discard: false);
        position = Write(position, Event(2, 20), busy: false, discard: true);
        long third = position;
        position = Write(position, Event(3, 30), busy: false, discard: false);
        Publish(position);
        var handler = default(SumAndAddress);
        Assert.That(reader.Consume<Sample, SumAndAddress>(ref handler), Is.EqualTo(2));
        Assert.That((handler.Count, handler.SeqSum, handler.PidSum), Is.EqualTo((2, 4UL, 40u)), "the state stays in the caller's variable");
        Assert.That(handler.Last, Is.EqualTo((nint)(Data + third + 8)), "in the ring's memory, not a copy");
        Assert.That(*(long*)_consumer, Is.EqualTo(position));
    }

    [Test]
    public void AStructHandlerKeepsItsStateWhenAShortRecordEndsTheCall()
    {
        using var reader = NewReader();
        long position = Write(0, Event(5, 50), busy: false, discard: false);
        position = Write(position, new byte[12], busy: false, discard: false);
        Publish(Write(position, Event(6, 60), busy: false, discard: false));
        var handler = default(SumAndAddress);
        var e = Assert.Throws<EbpfException>(() => reader.Consume<Sample, SumAndAddress>(ref handler));
        Assert.That(e!.Message, Does.Contain("record of 12 bytes is shorter than Sample (16 bytes)"));
        Assert.That((handler.Count, handler.SeqSum), Is.EqualTo((1, 5UL)));
        Assert.That(reader.Consume<Sample, SumAndAddress>(ref handler), Is.EqualTo(1));
        Assert.That((handler.Count, handler.SeqSum), Is.EqualTo((2, 11UL)));
    }

    [Test]
    public void AStructHandlerAllocatesNothing()
    {
        using var reader = NewReader();
        var handler = default(SumAndAddress);
        Publish(Write(0, Event(1, 1), busy: false, discard: false));
        reader.Consume<Sample, SumAndAddress>(ref handler); // warm up: JIT and first calls
        long position = *(long*)_consumer;
        for (int i = 0; i < 100; i++)
        {
            position = Write(position, Event((ulong)i, 0), busy: false, discard: false);
        }

        Publish(position);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = reader.Consume<Sample, SumAndAddress>(ref handler);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(count, Is.EqualTo(100));
        Assert.That(handler.SeqSum, Is.EqualTo(1UL + (99 * 100 / 2)));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void ReadAllAsyncYieldsCopiesOfTheStruct()
    {
        using var reader = NewReader();
        long position = Write(0, Event(4, 40), busy: false, discard: false);
        Publish(Write(position, Event(5, 50), busy: false, discard: false));
        using var cancel = new CancellationTokenSource();
        var seen = new List<Sample>();
        foreach (var sample in reader.ReadAllAsync<Sample>(cancel.Token).ToBlockingEnumerable())
        {
            seen.Add(sample);
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.That(seen.Select(s => (s.Seq, s.Pid)), Is.EqualTo(new[] { (4UL, 40u), (5UL, 50u) }));
        Assert.That(*(long*)_consumer, Is.EqualTo(48));
    }

    /// <summary>The record <c>struct sample { __u64 seq; __u32 pid; __u32 pad; }</c>.</summary>
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

    /// <summary>Sums what it sees and keeps the address of the last record.</summary>
    private struct SumAndAddress : IEventRecordHandler<Sample>
    {
        public int Count;
        public ulong SeqSum;
        public uint PidSum;
        public nint Last;

        public void Handle(ref readonly Sample value)
        {
            Count++;
            SeqSum += value.Seq;
            PidSum += value.Pid;
            fixed (Sample* at = &value)
            {
                Last = (nint)at;
            }
        }
    }
}
