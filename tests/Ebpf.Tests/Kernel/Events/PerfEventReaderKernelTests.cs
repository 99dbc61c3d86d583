using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

[Category("Kernel")]
public sealed class PerfEventReaderKernelTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    [Test]
    public void SamplesComeInOrderPerCpu()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        Assert.That(reader.Cpus, Is.Not.Empty);
        int[] sizes = [8, 9, 12, 15, 16, 17, 100, 1000, 1024, 2047, 4096, 8, 4095];
        foreach (int size in sizes)
        {
            Assert.That(producer.Output(size), Is.EqualTo(2u));
        }

        Assert.That(reader.AvailableBytes, Is.GreaterThan(0));
        var lastPerCpu = new Dictionary<int, long>();
        var seen = new List<ulong>();
        while (reader.TryRead(out var record))
        {
            Assert.That(record.IsLost, Is.False);
            Assert.That(reader.Cpus, Does.Contain(record.Cpu));
            ulong sequence = BinaryPrimitives.ReadUInt64LittleEndian(record.Data.Span);
            PerfEventProducer.CheckSample(record.Data.Span, sizes[sequence]);
            Assert.That((long)sequence, Is.GreaterThan(lastPerCpu.GetValueOrDefault(record.Cpu, -1)));
            lastPerCpu[record.Cpu] = (long)sequence;
            seen.Add(sequence);
        }

        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, sizes.Length).Select(i => (ulong)i)));
        Assert.That(reader.AvailableBytes, Is.Zero);
    }

    [Test]
    public void RecordsWrappingTheRingEndAreWhole()
    {
        using var pin = new ThreadCpuPin(0);
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array, new PerfEventReaderOptions { PagesPerCpu = 1 });
        var buffer = new byte[8192];
        ulong expected = 0;
        for (int round = 0; round < 30; round++)
        {
            int size = 900 + (round * 37 % 300);
            Assert.That(producer.Output(size, repeat: 3), Is.EqualTo(2u));
            for (int i = 0; i < 3; i++)
            {
                Assert.That(reader.TryReadInto(buffer, out int length, out int cpu, out ulong lost), Is.True);
                Assert.That((cpu, lost), Is.EqualTo((0, 0UL)));
                Assert.That(PerfEventProducer.CheckSample(buffer.AsSpan(0, length), size), Is.EqualTo(expected++));
            }
        }

        Assert.That(reader.TryReadInto(buffer, out _, out _, out _), Is.False);
    }

    [Test]
    public void FullRingReportsLostSamples()
    {
        using var pin = new ThreadCpuPin(0);
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array, new PerfEventReaderOptions { PagesPerCpu = 1 });
        int failed = 0;
        for (int i = 0; i < 20; i++)
        {
            if (producer.Output(1000) != 2u)
            {
                failed++;
            }
        }

        Assert.That(failed, Is.GreaterThan(10));
        Assert.That(reader.Consume((cpu, data, lost) => Assert.That(lost, Is.Zero)), Is.EqualTo(20 - failed));

        // The kernel writes the lost record before the next sample that fits.
        Assert.That(producer.Output(64), Is.EqualTo(2u));
        Assert.That(reader.TryRead(out var record), Is.True);
        Assert.That(record.IsLost, Is.True);
        Assert.That(record.LostSamples, Is.EqualTo((ulong)failed));
        Assert.That(record.Data.IsEmpty, Is.True);
        Assert.That(reader.TryRead(out record), Is.True);
        Assert.That(PerfEventProducer.CheckSample(record.Data.Span, 64), Is.EqualTo(20UL));
        Assert.That(reader.LostSamples, Is.EqualTo((ulong)failed));
    }

    [Test]
    public void PauseRemovesTheRingsUntilResume()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        reader.Pause();
        Assert.That(reader.IsPaused, Is.True);
        Assert.That(producer.Output(64), Is.EqualTo(1u));
        Assert.That(reader.TryRead(out _), Is.False);
        reader.Resume();
        Assert.That(producer.Output(64), Is.EqualTo(2u));
        Assert.That(reader.TryRead(TimeSpan.FromSeconds(5), out var record), Is.True);
        Assert.That(PerfEventProducer.CheckSample(record.Data.Span, 64), Is.EqualTo(1UL));
        Assert.That(reader.LostSamples, Is.Zero);
    }

    [Test]
    public void OverwritableRingsKeepTheNewestRecords()
    {
        using var pin = new ThreadCpuPin(0);
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array, new PerfEventReaderOptions { PagesPerCpu = 1, Overwritable = true });
        Assert.That(producer.Output(1000, repeat: 30), Is.EqualTo(2u));
        var seen = new List<ulong>();
        while (reader.TryRead(out var record))
        {
            seen.Add(PerfEventProducer.CheckSample(record.Data.Span, 1000));
        }

        Assert.That(seen, Has.Count.InRange(3, 4));
        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, seen.Count).Select(i => (ulong)(29 - i))));

        Assert.That(producer.Output(100, repeat: 2), Is.EqualTo(2u));
        seen.Clear();
        while (reader.TryRead(out var record))
        {
            seen.Add(PerfEventProducer.CheckSample(record.Data.Span, 100));
        }

        Assert.That(seen, Is.EqualTo(new ulong[] { 31, 30 }));
    }

    [Test]
    public void ConsumeHandsSamplesInPlace()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        producer.Output(128, repeat: 40);
        var sequences = new List<ulong>();
        int count = reader.Consume((cpu, data, lost) => sequences.Add(PerfEventProducer.CheckSample(data, 128)));
        Assert.That(count, Is.EqualTo(40));
        Assert.That(sequences, Is.EqualTo(Enumerable.Range(0, 40).Select(i => (ulong)i)));
        Assert.That(reader.Flush(), Is.Zero);
    }

    [Test]
    public void TimeoutExpiresWithoutSamples()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        var watch = Stopwatch.StartNew();
        Assert.That(reader.TryRead(TimeSpan.FromMilliseconds(150), out _), Is.False);
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(140)));
    }

    [Test]
    public void BlockedReadWakesOnASample()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        var read = BlockedCall.Start(() => reader.Read());
        producer.Output(32);
        Assert.That(read.Wait(TimeSpan.FromSeconds(10)), Is.True);
        PerfEventProducer.CheckSample(read.Result.Data.Span, 32);
    }

    [Test]
    public void CancellationWakesABlockedRead()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        using var cancel = new CancellationTokenSource();
        var read = BlockedCall.Start(() => reader.Read(cancel.Token));
        cancel.Cancel();
        BlockedCall.AssertThrows<OperationCanceledException>(read);
    }

    [Test]
    public async Task ReadAllAsyncStreamsSamples()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var feeder = Task.Run(async () =>
        {
            await Task.Delay(100);
            producer.Output(64, repeat: 6);
        });
        var seen = new List<ulong>();
        await foreach (var record in reader.ReadAllAsync(cancel.Token))
        {
            seen.Add(PerfEventProducer.CheckSample(record.Data.Span, 64));
            if (seen.Count == 6)
            {
                break;
            }
        }

        await feeder;
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 6).Select(i => (ulong)i)));
    }

    [Test]
    public async Task UntilNextRecordKeepsASampleIntactWhileTheBodyAwaits()
    {
        const int Size = 1024;
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array, new PerfEventReaderOptions { PagesPerCpu = 1 });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        producer.Output(Size, repeat: 3);
        ReadOnlyMemory<byte> first = default;
        var seen = new List<ulong>();
        await foreach (var record in reader.ReadAllAsync(RecordLifetime.UntilNextRecord, cancel.Token))
        {
            ulong sequence = PerfEventProducer.CheckSample(record.Data.Span, Size);
            if (seen.Count == 0)
            {
                first = record.Data;
                await Task.Delay(20, cancel.Token);
                Assert.That(producer.Output(Size), Is.EqualTo(2u), "written while the first sample is in use (over its ring space when this CPU's one-page ring wraps)");
                await Task.Delay(20, cancel.Token);
                Assert.That(PerfEventProducer.CheckSample(record.Data.Span, Size), Is.EqualTo(sequence));
            }
            else
            {
                Assert.That(RecordStreams.SameArray(first, record.Data), Is.True, "later samples land in the same buffer");
                Assert.That(PerfEventProducer.CheckSample(first.Span, Size), Is.EqualTo(sequence));
            }

            seen.Add(sequence);
            if (seen.Count == 4)
            {
                break;
            }
        }

        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 4).Select(i => (ulong)i)));
        Assert.That(reader.LostSamples, Is.Zero);
    }

    [Test]
    public void WatermarkRingsStillDeliverSmallBatches()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array, new PerfEventReaderOptions { PagesPerCpu = 2, WakeupWatermark = 4096 });
        producer.Output(64, repeat: 3);
        var seen = new List<ulong>();
        while (seen.Count < 3 && reader.TryRead(TimeSpan.FromSeconds(5), out var record))
        {
            seen.Add(PerfEventProducer.CheckSample(record.Data.Span, 64));
        }

        Assert.That(seen, Is.EqualTo(new ulong[] { 0, 1, 2 }));
        Assert.That(reader.TryRead(TimeSpan.FromMilliseconds(50), out _), Is.False);
    }

    [Test]
    public void LeasesConsumeOnlyWhenDisposed()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        producer.Output(64, repeat: 2);
        Assert.That(reader.TryAcquire(out var lease), Is.True);
        Assert.That(PerfEventProducer.CheckSample(lease.Data, 64), Is.Zero);
        Assert.That(reader.TryAcquire(out lease), Is.True);
        Assert.That(PerfEventProducer.CheckSample(lease.Data, 64), Is.Zero);
        lease.Dispose();
        lease.Dispose();
        Assert.That(reader.TryAcquire(out lease), Is.True);
        using (lease)
        {
            Assert.That(PerfEventProducer.CheckSample(lease.Data, 64), Is.EqualTo(1UL));
        }

        Assert.That(reader.TryAcquire(out _), Is.False);
    }

    [Test]
    public void DisposeWakesABlockedRead()
    {
        using var producer = new PerfEventProducer(Sys);
        var reader = new PerfEventReader(producer.Array);
        var read = BlockedCall.Start(() => reader.Read());
        reader.Dispose();
        BlockedCall.AssertThrows<ObjectDisposedException>(read);
        Assert.Throws<ObjectDisposedException>(() => reader.TryRead(out _));
    }

    [Test]
    public void InvalidSetupIsRejected()
    {
        using var array = KernelPrograms.CreateMap(Sys, BpfMapType.Array, 4, 8, 1);
        Assert.Throws<ArgumentException>(() => new PerfEventReader(array));
        using var producer = new PerfEventProducer(Sys);
        Assert.Throws<ArgumentException>(() => new PerfEventReader(producer.Array, new PerfEventReaderOptions { PagesPerCpu = 3 }));
    }
}
