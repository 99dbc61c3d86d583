using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>The record walk of <see cref="PerfEventReader"/> over a fake one-page ring: skipped types, wrapping, lost records, bad sizes.</summary>
public sealed unsafe class PerfEventReaderTests : FakePerfEventRing
{
    [Test]
    public void OtherRecordTypesAreSkipped()
    {
        using var reader = NewReader();
        Append(5, new byte[8]); // PERF_RECORD_THROTTLE-like: skipped
        AppendSample([1, 2, 3, 4]);
        Publish();
        Assert.That(reader.TryRead(out var record), Is.True);
        Assert.That(record.Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
        Assert.That(record.Cpu, Is.EqualTo(3));
        Assert.That(*(ulong*)(_mapping + DataTailOffset), Is.EqualTo(_head));
    }

    [Test]
    public void WrappingSamplesAreReassembled()
    {
        using var reader = NewReader();
        _head = (ulong)PageSize - 16;
        *(ulong*)(_mapping + DataTailOffset) = _head;
        var payload = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();
        AppendSample(payload);
        Publish();
        Assert.That(reader.TryConsume((cpu, data, lost) => Assert.That(data.ToArray(), Is.EqualTo(payload))), Is.True);
        Assert.That(reader.AvailableBytes, Is.Zero);
    }

    [Test]
    public void LostRecordsCarryTheirCount()
    {
        using var reader = NewReader();
        var lost = new byte[16];
        BitConverter.TryWriteBytes(lost.AsSpan(8), 42UL);
        Append(2, lost);
        Publish();
        Assert.That(reader.TryReadInto(new byte[8], out int length, out int cpu, out ulong count), Is.True);
        Assert.That((length, cpu, count), Is.EqualTo((0, 3, 42UL)));
        Assert.That(reader.LostSamples, Is.EqualTo(42UL));
    }

    [Test]
    public void ImpossibleSizesAreReported()
    {
        using var reader = NewReader();
        Append(9, new byte[8]);
        *(ushort*)(Data + 6) = 4; // smaller than a header
        Publish();
        Assert.Throws<EbpfException>(() => reader.TryRead(out _));
    }

    [Test]
    public void RawSizeBeyondTheRecordIsReported()
    {
        using var reader = NewReader();
        var body = new byte[8];
        BitConverter.TryWriteBytes(body, 100u);
        Append(9, body);
        Publish();
        Assert.Throws<EbpfException>(() => reader.TryRead(out _));
    }

    [Test]
    public void UntilNextRecordStreamsReuseOneBufferAndReleaseTheRingAtOnce()
    {
        using var reader = NewReader();
        AppendSample([1, 1, 1, 1]);
        ulong afterFirst = _head;
        var lost = new byte[16];
        BitConverter.TryWriteBytes(lost.AsSpan(8), 5UL);
        Append(2, lost);
        AppendSample([2, 2, 2, 2, 2, 2, 2, 2]);
        Publish();
        using var records = new RecordStreams.Enumerator<PerfEventRecord>(reader.ReadAllAsync(RecordLifetime.UntilNextRecord));

        Assert.That(records.MoveNext(), Is.True);
        var first = records.Current;
        Assert.That(*(ulong*)(_mapping + DataTailOffset), Is.EqualTo(afterFirst), "consumed as soon as it was copied");
        Data[12] = 9; // the ring space is the kernel's again: the copy is not affected
        Assert.That((first.Cpu, first.Data.ToArray()), Is.EqualTo((3, new byte[] { 1, 1, 1, 1 })));

        Assert.That(records.MoveNext(), Is.True);
        Assert.That((records.Current.LostSamples, records.Current.Data.Length), Is.EqualTo((5UL, 0)));
        Assert.That(first.Data.ToArray(), Is.EqualTo(new byte[] { 1, 1, 1, 1 }), "a lost record copies nothing");

        Assert.That(records.MoveNext(), Is.True);
        var third = records.Current.Data;
        Assert.That(third.Span[..8].ToArray(), Is.All.EqualTo(2));
        Assert.That(RecordStreams.SameArray(first.Data, third), Is.True);
        Assert.That(first.Data.ToArray(), Is.All.EqualTo(2), "overwritten by the next sample");
        Assert.That((*(ulong*)(_mapping + DataTailOffset), reader.LostSamples), Is.EqualTo((_head, 5UL)));
    }
}
