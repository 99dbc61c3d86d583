using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

[Category("Kernel")]
public sealed class RingBufferReaderKernelTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    [Test]
    public void RecordsComeInOrderWithTheirSizes()
    {
        using var producer = new RingBufferProducer(Sys, 64 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        int[] sizes = [8, 9, 15, 16, 17, 100, 1000, 1024, 2047, 4096, 8, 4095];
        foreach (int size in sizes)
        {
            Assert.That(producer.Output(size), Is.EqualTo(2u));
        }

        Assert.That(reader.AvailableBytes, Is.EqualTo(sizes.Sum(s => (s + RingBufferReader.HeaderSize + 7) & ~7)));
        for (int i = 0; i < sizes.Length; i++)
        {
            Assert.That(reader.TryRead(out var record), Is.True);
            RingBufferProducer.CheckRecord(record.Data.Span, (ulong)i, sizes[i]);
        }

        Assert.That(reader.TryRead(out _), Is.False);
        Assert.That(reader.AvailableBytes, Is.Zero);
    }

    [Test]
    public void RecordsWrapAroundTheRingEnd()
    {
        const int RingSize = 16 * 1024;
        using var producer = new RingBufferProducer(Sys, RingSize);
        using var reader = new RingBufferReader(producer.Ring);
        Assert.That(reader.Size, Is.EqualTo(RingSize));
        var buffer = new byte[RingBufferProducer.MaxRecord];
        ulong sequence = 0;
        for (int round = 0; round < 40; round++)
        {
            int size = 1000 + (round * 77 % 3000);
            for (int i = 0; i < 3; i++)
            {
                Assert.That(producer.Output(size), Is.EqualTo(2u));
            }

            for (int i = 0; i < 3; i++)
            {
                Assert.That(reader.TryReadInto(buffer, out int length), Is.True);
                RingBufferProducer.CheckRecord(buffer.AsSpan(0, length), sequence++, size);
            }
        }
    }

    [Test]
    public void FullRingRejectsRecordsUntilConsumed()
    {
        using var producer = new RingBufferProducer(Sys, 4096);
        using var reader = new RingBufferReader(producer.Ring);
        int written = 0;
        while (producer.Output(1000) == 2u)
        {
            written++;
        }

        Assert.That(written, Is.EqualTo(4));
        Assert.That(reader.Flush(), Is.EqualTo(4));
        Assert.That(reader.AvailableBytes, Is.Zero);
        Assert.That(producer.Output(1000), Is.EqualTo(2u));
    }

    [Test]
    public void DiscardedRecordsAreSkipped()
    {
        using var producer = new RingBufferProducer(Sys, 16 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        for (int i = 0; i < 10; i++)
        {
            Assert.That(producer.Reserve(discard: i % 3 == 1), Is.EqualTo(2u));
        }

        var seen = new List<ulong>();
        while (reader.TryRead(out var record))
        {
            Assert.That(record.Length, Is.EqualTo(64));
            Assert.That(record.Data.Span[8..].ToArray(), Is.All.EqualTo(0xab));
            seen.Add(BinaryPrimitives.ReadUInt64LittleEndian(record.Data.Span));
        }

        Assert.That(seen, Is.EqualTo(new ulong[] { 0, 2, 3, 5, 6, 8, 9 }));
        Assert.That(reader.AvailableBytes, Is.Zero);
    }

    [Test]
    public void ConsumeHandsRecordsInPlace()
    {
        using var producer = new RingBufferProducer(Sys, 64 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        producer.Output(128, repeat: 50);
        var sequences = new List<ulong>();
        Assert.That(reader.TryConsume(data => sequences.Add(BinaryPrimitives.ReadUInt64LittleEndian(data))), Is.True);
        Assert.That(reader.Consume(data =>
        {
            RingBufferProducer.CheckRecord(data, (ulong)sequences.Count, 128);
            sequences.Add(BinaryPrimitives.ReadUInt64LittleEndian(data));
        }), Is.EqualTo(49));
        Assert.That(sequences, Is.EqualTo(Enumerable.Range(0, 50).Select(i => (ulong)i)));
        Assert.That(reader.TryConsume(_ => Assert.Fail("no record expected")), Is.False);
    }

    [Test]
    public void ConsumeCommitsEvenWhenTheHandlerThrows()
    {
        using var producer = new RingBufferProducer(Sys, 16 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        producer.Output(64, repeat: 2);
        Assert.Throws<InvalidOperationException>(() => reader.TryConsume(_ => throw new InvalidOperationException()));
        Assert.That(reader.TryRead(out var record), Is.True);
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(record.Data.Span), Is.EqualTo(1UL));
    }

    [Test]
    public void TooSmallDestinationLeavesTheRecord()
    {
        using var producer = new RingBufferProducer(Sys, 16 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        producer.Output(100);
        Assert.Throws<ArgumentException>(() => reader.TryReadInto(new byte[99], out _));
        Assert.That(reader.ReadInto(new byte[100]), Is.EqualTo(100));
    }

    [Test]
    public void TimeoutExpiresOnAnEmptyRing()
    {
        using var producer = new RingBufferProducer(Sys, 4096);
        using var reader = new RingBufferReader(producer.Ring);
        var watch = Stopwatch.StartNew();
        Assert.That(reader.TryRead(TimeSpan.FromMilliseconds(150), out _), Is.False);
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(140)));
        Assert.That(reader.Wait(TimeSpan.Zero), Is.False);
    }

    [Test]
    public void BlockedReadWakesOnARecord()
    {
        using var producer = new RingBufferProducer(Sys, 4096);
        using var reader = new RingBufferReader(producer.Ring);
        var read = BlockedCall.Start(() => reader.Read());
        producer.Output(32);
        Assert.That(read.Wait(TimeSpan.FromSeconds(10)), Is.True);
        RingBufferProducer.CheckRecord(read.Result.Data.Span, 0, 32);
    }

    [Test]
    public void CancellationWakesABlockedRead()
    {
        using var producer = new RingBufferProducer(Sys, 4096);
        using var reader = new RingBufferReader(producer.Ring);
        using var cancel = new CancellationTokenSource();
        var read = BlockedCall.Start(() => reader.Read(cancel.Token));
        cancel.Cancel();
        BlockedCall.AssertThrows<OperationCanceledException>(read);

        // The reader still works after a cancelled wait.
        producer.Output(16);
        Assert.That(reader.TryRead(TimeSpan.FromSeconds(5), out var record), Is.True);
        Assert.That(record.Length, Is.EqualTo(16));
    }

    [Test]
    public async Task ReadAllAsyncStreamsRecords()
    {
        using var producer = new RingBufferProducer(Sys, 64 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        producer.Output(200, repeat: 5);
        var feeder = Task.Run(async () =>
        {
            await Task.Delay(100);
            producer.Output(300, repeat: 5);
        });
        ulong expected = 0;
        await foreach (var record in reader.ReadAllAsync(cancel.Token))
        {
            RingBufferProducer.CheckRecord(record.Data.Span, expected, expected < 5 ? 200 : 300);
            if (++expected == 10)
            {
                break;
            }
        }

        await feeder;
        Assert.That(expected, Is.EqualTo(10UL));
    }

    [Test]
    public async Task UntilNextRecordKeepsARecordIntactWhileTheBodyAwaits()
    {
        const int Size = 4096;
        using var producer = new RingBufferProducer(Sys, 16 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int footprint = (Size + RingBufferReader.HeaderSize + 7) & ~7;
        producer.Output(Size, repeat: 3);
        ReadOnlyMemory<byte> first = default;
        ulong expected = 0;
        await foreach (var record in reader.ReadAllAsync(RecordLifetime.UntilNextRecord, cancel.Token))
        {
            RingBufferProducer.CheckRecord(record.Data.Span, expected, Size);
            if (expected == 0)
            {
                first = record.Data;
                Assert.That(reader.AvailableBytes, Is.EqualTo(2 * footprint), "the record's ring space was released when it was copied");
                await Task.Delay(20, cancel.Token);
                Assert.That(producer.Output(Size), Is.EqualTo(2u), "the fourth record wraps into the first one's ring space");
                await Task.Delay(20, cancel.Token);
                RingBufferProducer.CheckRecord(record.Data.Span, 0, Size);
            }
            else
            {
                Assert.That(RecordStreams.SameArray(first, record.Data), Is.True, "later records land in the same buffer");
                RingBufferProducer.CheckRecord(first.Span, expected, Size);
            }

            if (++expected == 4)
            {
                break;
            }
        }

        Assert.That(expected, Is.EqualTo(4UL));
    }

    [TestCase(RecordLifetime.Owned)]
    [TestCase(RecordLifetime.UntilNextRecord)]
    public void ReadAllAsyncEndsWhenCancelledDuringTheBody(RecordLifetime lifetime)
    {
        using var producer = new RingBufferProducer(Sys, 4096);
        using var reader = new RingBufferReader(producer.Ring);
        using var cancel = new CancellationTokenSource();
        producer.Output(16);
        var loop = Task.Run(async () =>
        {
            await foreach (var record in reader.ReadAllAsync(lifetime, cancel.Token))
            {
                cancel.Cancel(); // the wait thread is idle now: the next wait must still end the stream
            }
        });
        var failure = Assert.Throws<AggregateException>(() => loop.Wait(TimeSpan.FromSeconds(10)), "the stream ended");
        Assert.That(failure!.InnerException, Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void ReadAllAsyncStopsOnCancellation()
    {
        using var producer = new RingBufferProducer(Sys, 4096);
        using var reader = new RingBufferReader(producer.Ring);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var record in reader.ReadAllAsync(cancel.Token))
            {
                Assert.Fail("no record expected");
            }
        });
    }

    [Test]
    public void LeasesConsumeOnlyWhenDisposed()
    {
        using var producer = new RingBufferProducer(Sys, 16 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        producer.Output(64, repeat: 2);
        Assert.That(reader.TryAcquire(out var lease), Is.True);
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(lease.Data), Is.Zero);
        Assert.That(reader.TryAcquire(out lease), Is.True);
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(lease.Data), Is.Zero);
        lease.Dispose();
        lease.Dispose();
        Assert.That(reader.TryAcquire(out lease), Is.True);
        using (lease)
        {
            Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(lease.Data), Is.EqualTo(1UL));
        }

        Assert.That(reader.TryAcquire(out _), Is.False);
    }

    [Test]
    public void DisposeWakesABlockedRead()
    {
        using var producer = new RingBufferProducer(Sys, 4096);
        var reader = new RingBufferReader(producer.Ring);
        var read = BlockedCall.Start(() => reader.Read());
        reader.Dispose();
        BlockedCall.AssertThrows<ObjectDisposedException>(read);
        Assert.Throws<ObjectDisposedException>(() => reader.TryRead(out _));
    }

    [Test]
    public void OtherMapTypesAreRejected()
    {
        using var array = KernelPrograms.CreateMap(Sys, BpfMapType.Array, 4, 8, 1);
        Assert.Throws<ArgumentException>(() => new RingBufferReader(array));
    }

    [Test]
    public void DisposedReaderThrows()
    {
        using var producer = new RingBufferProducer(Sys, 4096);
        var reader = new RingBufferReader(producer.Ring);
        reader.Dispose();
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.TryRead(out _));
    }

    [Test]
    public void StructHandlersAndEnumerationReadWrappingRecordsInPlace()
    {
        const int RingSize = 16 * 1024;
        using var producer = new RingBufferProducer(Sys, RingSize);
        using var reader = new RingBufferReader(producer.Ring);
        ulong sequence = 0;
        for (int round = 0; round < 30; round++)
        {
            int size = 900 + (round * 131 % 3000);
            Assert.That(producer.Output(size, repeat: 3), Is.EqualTo(2u));
            if (round % 2 == 0)
            {
                var check = new SequenceCheck { Next = sequence, Size = size };
                Assert.That(reader.Consume(ref check), Is.EqualTo(3));
                sequence = check.Next;
            }
            else
            {
                foreach (var data in reader.EnumerateRecords())
                {
                    RingBufferProducer.CheckRecord(data, sequence++, size);
                }
            }

            Assert.That(reader.AvailableBytes, Is.Zero);
        }

        Assert.That(sequence, Is.EqualTo(90));
    }

    private struct SequenceCheck : IRingBufferRecordHandler
    {
        public ulong Next;
        public int Size;

        public void Handle(ReadOnlySpan<byte> data) => RingBufferProducer.CheckRecord(data, Next++, Size);
    }
}
