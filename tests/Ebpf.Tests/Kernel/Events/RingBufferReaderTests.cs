using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>The record walk of <see cref="RingBufferReader"/> over fake ring memory: busy and discard bits, bad lengths.</summary>
public sealed unsafe class RingBufferReaderTests : FakeRingBuffer
{
    [Test]
    public void BusyRecordStopsReadingUntilCommitted()
    {
        using var reader = NewReader();
        long position = Write(0, 16, busy: true, discard: false);
        Publish(position);
        Assert.That(reader.TryRead(out _), Is.False);
        Assert.That(reader.AvailableBytes, Is.EqualTo(24));

        *(uint*)Data = 16;
        Assert.That(reader.TryRead(out var record), Is.True);
        Assert.That(record.Length, Is.EqualTo(16));
        Assert.That(*(long*)_consumer, Is.EqualTo(24));
    }

    [Test]
    public void DiscardedRecordsAreSkippedAndConsumed()
    {
        using var reader = NewReader();
        long position = Write(0, 5, busy: false, discard: true);
        position = Write(position, 3, busy: false, discard: false);
        Publish(position);
        Assert.That(reader.TryRead(out var record), Is.True);
        Assert.That(record.Data.ToArray(), Is.EqualTo(new byte[] { 3, 3, 3 }));
        Assert.That(*(long*)_consumer, Is.EqualTo(32));
    }

    [Test]
    public void RecordsWrapThroughTheSecondMapping()
    {
        using var reader = NewReader();
        *(long*)_consumer = RingSize - 16;
        long position = Write(RingSize - 16, 100, busy: false, discard: false);
        Publish(position);
        Assert.That(reader.TryRead(out var record), Is.True);
        Assert.That(record.Data.ToArray(), Is.All.EqualTo(100));
    }

    [Test]
    public void ImpossibleLengthIsReported()
    {
        using var reader = NewReader();
        *(uint*)Data = RingSize + 8;
        Publish(RingSize);
        Assert.Throws<EbpfException>(() => reader.TryRead(out _));
    }

    [Test]
    public void FlushDropsCommittedRecordsOnly()
    {
        using var reader = NewReader();
        long position = Write(0, 8, busy: false, discard: false);
        position = Write(position, 8, busy: false, discard: true);
        position = Write(position, 8, busy: false, discard: false);
        long busyAt = position;
        position = Write(position, 8, busy: true, discard: false);
        Publish(position);
        Assert.That(reader.Flush(), Is.EqualTo(2));
        Assert.That(*(long*)_consumer, Is.EqualTo(busyAt));
    }

    [Test]
    public void ConsumeSkipsDiscardedAndStopsAtBusy()
    {
        using var reader = NewReader();
        long busyAt = WriteMixed(out _);
        var lengths = new List<int>();
        Assert.That(reader.Consume(data => lengths.Add(data.Length)), Is.EqualTo(2));
        Assert.That(lengths, Is.EqualTo(new[] { 8, 10 }));
        Assert.That(*(long*)_consumer, Is.EqualTo(busyAt));
    }

    [Test]
    public void HealthCountersCountDiscardedAndBusyRecordsAndKeepTheBacklogHighWaterMark()
    {
        using var reader = NewReader();
        long busyAt = WriteMixed(out _); // 8 B (16 with its header), 9 B discarded (24), 10 B (24), 11 B busy (24)
        Assert.That(reader.Consume(_ => { }), Is.EqualTo(2));
        Assert.That(reader.DiscardedRecords, Is.EqualTo(1));
        Assert.That(reader.BusyRecords, Is.EqualTo(1));
        Assert.That(reader.BacklogHighWater, Is.EqualTo(88));
        Assert.That(reader.TryRead(out _), Is.False, "the busy record still stops reading");
        Assert.That(reader.BusyRecords, Is.EqualTo(2));
        Assert.That(reader.BacklogHighWater, Is.EqualTo(88), "the backlog shrank to the busy record; the mark stays");
        Assert.That(*(long*)_consumer, Is.EqualTo(busyAt));
    }

    [Test]
    public void ConsumeCommitsTheRecordWhoseHandlerThrew()
    {
        using var reader = NewReader();
        long position = Write(0, 8, busy: false, discard: false);
        position = Write(position, 16, busy: false, discard: false);
        Publish(position);
        Assert.Throws<InvalidOperationException>(() => reader.Consume(_ => throw new InvalidOperationException()));
        Assert.That(*(long*)_consumer, Is.EqualTo(16));
        Assert.That(reader.Consume(data => Assert.That(data.Length, Is.EqualTo(16)), maxRecords: 5), Is.EqualTo(1));
    }

    [Test]
    public void StructHandlerConsumeSkipsDiscardedStopsAtBusyAndKeepsState()
    {
        using var reader = NewReader();
        long busyAt = WriteMixed(out _);
        var handler = default(LengthSum);
        Assert.That(reader.Consume(ref handler), Is.EqualTo(2));
        Assert.That(handler.Total, Is.EqualTo(18));
        Assert.That(*(long*)_consumer, Is.EqualTo(busyAt));
    }

    [Test]
    public void StructHandlerConsumeStopsAtMaxRecordsAndReportsImpossibleLengths()
    {
        using var reader = NewReader();
        long position = Write(0, 8, busy: false, discard: false);
        position = Write(position, 8, busy: false, discard: false);
        long badAt = position;
        *(uint*)(Data + position) = RingSize;
        Publish(position + 64);
        var handler = default(LengthSum);
        Assert.That(reader.Consume(ref handler, maxRecords: 1), Is.EqualTo(1));
        Assert.That(*(long*)_consumer, Is.EqualTo(16));
        Assert.Throws<EbpfException>(() => reader.Consume(ref handler));
        Assert.That(handler.Total, Is.EqualTo(16));
        Assert.That(*(long*)_consumer, Is.EqualTo(badAt));
    }

    [Test]
    public void ConsumeWithoutRecordsReturnsZeroAndNonPositiveMaxReadsNothing()
    {
        using var reader = NewReader();
        Assert.That(reader.Consume(_ => Assert.Fail("no record")), Is.Zero);
        Publish(Write(0, 8, busy: false, discard: false));
        Assert.That(reader.Consume(_ => Assert.Fail("no record"), maxRecords: 0), Is.Zero);
        Assert.That(*(long*)_consumer, Is.Zero);
    }

    [Test]
    public void ConsumeStopsWhenTheHandlerDisposesTheReader()
    {
        var reader = NewReader();
        long position = Write(0, 8, busy: false, discard: false);
        Publish(Write(position, 8, busy: false, discard: false));
        Assert.That(reader.Consume(_ => reader.Dispose()), Is.EqualTo(1));
        Assert.That(*(long*)_consumer, Is.EqualTo(16), "the handled record is consumed before the ring is released, the next is not handed out");
        Assert.Throws<ObjectDisposedException>(() => reader.Consume(_ => { }));

        var again = NewReader();
        Assert.That(again.TryConsume(_ => again.Dispose()), Is.True);
        Assert.That(*(long*)_consumer, Is.EqualTo(32));
    }

    [Test]
    public void EnumerateRecordsWalksInPlaceAndConsumesAsItMoves()
    {
        using var reader = NewReader();
        long busyAt = WriteMixed(out long third);
        var lengths = new List<int>();
        foreach (var data in reader.EnumerateRecords())
        {
            lengths.Add(data.Length);
            Assert.That(data.ToArray(), Is.All.EqualTo(data.Length));
            Assert.That(*(long*)_consumer, Is.EqualTo(lengths.Count == 1 ? 0 : third), "a record is consumed only once the loop moves past it");
        }

        Assert.That(lengths, Is.EqualTo(new[] { 8, 10 }));
        Assert.That(*(long*)_consumer, Is.EqualTo(busyAt));
    }

    [Test]
    public void EnumerateRecordsConsumesTheRecordItBrokeOrThrewOn()
    {
        using var reader = NewReader();
        long position = Write(0, 8, busy: false, discard: false);
        position = Write(position, 16, busy: false, discard: false);
        position = Write(position, 24, busy: false, discard: false);
        Publish(position);
        foreach (var data in reader.EnumerateRecords())
        {
            Assert.That(data.Length, Is.EqualTo(8));
            break;
        }

        Assert.That(*(long*)_consumer, Is.EqualTo(16));
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var data in reader.EnumerateRecords())
            {
                throw new InvalidOperationException($"{data.Length}");
            }
        });
        Assert.That(*(long*)_consumer, Is.EqualTo(40));
        Assert.That(reader.TryRead(out var last), Is.True);
        Assert.That(last.Length, Is.EqualTo(24));
    }

    [Test]
    public void EnumerateRecordsStopsWhenTheReaderIsDisposedInTheLoop()
    {
        var reader = NewReader();
        long position = Write(0, 8, busy: false, discard: false);
        Publish(Write(position, 8, busy: false, discard: false));
        int seen = 0;
        foreach (var data in reader.EnumerateRecords())
        {
            seen++;
            reader.Dispose();
        }

        Assert.That(seen, Is.EqualTo(1));
        Assert.That(*(long*)_consumer, Is.Zero, "nothing is written to the ring after Dispose");
        Assert.Throws<ObjectDisposedException>(() => reader.EnumerateRecords());
    }

    [Test]
    public void LeasesConsumeOnDisposeOnceAndSkipDiscarded()
    {
        using var reader = NewReader();
        long position = Write(0, 8, busy: false, discard: true);
        long second = position;
        position = Write(position, 12, busy: false, discard: false);
        Publish(position);
        Assert.That(reader.TryAcquire(out var lease), Is.True);
        Assert.That(lease.Data.Length, Is.EqualTo(12));
        Assert.That(*(long*)_consumer, Is.EqualTo(second), "the discarded record is consumed, the leased one not yet");
        Assert.That(reader.TryAcquire(out var again), Is.True, "until disposed the same record is acquired again");
        Assert.That(again.Data.Length, Is.EqualTo(12));
        lease.Dispose();
        Assert.That(*(long*)_consumer, Is.EqualTo(position));
        *(long*)_consumer = 0;
        again.Dispose();
        Assert.That(*(long*)_consumer, Is.EqualTo(position));
        lease.Dispose();
        Assert.That(reader.TryAcquire(out _), Is.False);
    }

    [Test]
    public void UntilNextRecordStreamsReuseOneBufferAndReleaseTheRingAtOnce()
    {
        using var reader = NewReader();
        long position = Write(0, [1, 1, 1], busy: false, discard: false);
        position = Write(position, [2, 2, 2, 2, 2], busy: false, discard: false);
        Publish(position);
        using var records = new RecordStreams.Enumerator<RingBufferRecord>(reader.ReadAllAsync(RecordLifetime.UntilNextRecord));

        Assert.That(records.MoveNext(), Is.True);
        var first = records.Current.Data;
        Assert.That(*(long*)_consumer, Is.EqualTo(16), "consumed as soon as it was copied");
        Data[8] = 9; // the ring space is the kernel's again: the copy is not affected
        Assert.That(first.ToArray(), Is.EqualTo(new byte[] { 1, 1, 1 }));

        Assert.That(records.MoveNext(), Is.True);
        var second = records.Current.Data;
        Assert.That(second.ToArray(), Is.EqualTo(new byte[] { 2, 2, 2, 2, 2 }));
        Assert.That(*(long*)_consumer, Is.EqualTo(position));
        Assert.That(RecordStreams.SameArray(first, second), Is.True, "the second record landed in the first one's buffer");
        Assert.That(first.ToArray(), Is.EqualTo(new byte[] { 2, 2, 2 }), "overwritten by the next record");
    }

    [Test]
    public void DefaultStreamsGiveEachRecordItsOwnArray()
    {
        using var reader = NewReader();
        long position = Write(0, [1, 1, 1], busy: false, discard: false);
        position = Write(position, [2, 2, 2], busy: false, discard: false);
        Publish(position);
        foreach (var lifetime in new RecordLifetime?[] { null, RecordLifetime.Owned })
        {
            *(long*)_consumer = 0;
            using var records = new RecordStreams.Enumerator<RingBufferRecord>(lifetime is null ? reader.ReadAllAsync() : reader.ReadAllAsync(lifetime.Value));
            Assert.That(records.MoveNext(), Is.True);
            var first = records.Current.Data;
            Assert.That(records.MoveNext(), Is.True);
            Assert.That(RecordStreams.SameArray(first, records.Current.Data), Is.False);
            Assert.That(first.ToArray(), Is.EqualTo(new byte[] { 1, 1, 1 }));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadAllAsync((RecordLifetime)7));
    }

    /// <summary>Writes a record of <paramref name="length"/> bytes valued <paramref name="length"/> at <paramref name="position"/> in both mappings; returns the next position.</summary>
    private long Write(long position, int length, bool busy, bool discard)
    {
        var body = new byte[length];
        body.AsSpan().Fill((byte)length);
        return Write(position, body, busy, discard);
    }

    /// <summary>Writes and publishes records of 8 bytes, 9 discarded, 10, and 11 still busy; returns where the busy one starts.</summary>
    private long WriteMixed(out long third)
    {
        long position = Write(0, 8, busy: false, discard: false);
        position = Write(position, 9, busy: false, discard: true);
        third = position;
        position = Write(position, 10, busy: false, discard: false);
        long busyAt = position;
        Publish(Write(position, 11, busy: true, discard: false));
        return busyAt;
    }

    private struct LengthSum : IRingBufferRecordHandler
    {
        public long Total;

        public void Handle(ReadOnlySpan<byte> data) => Total += data.Length;
    }
}
