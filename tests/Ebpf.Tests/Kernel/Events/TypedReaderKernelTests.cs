using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>Typed reads of what real programs send: ring buffer records and perf samples read as a struct.</summary>
[Category("Kernel")]
public sealed class TypedReaderKernelTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    [Test]
    public void RingBufferRecordsAreReadAsTheirStruct()
    {
        using var producer = new RingBufferProducer(Sys, 16 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        Assert.That(producer.Reserve(discard: false), Is.EqualTo(2u));
        Assert.That(producer.Reserve(discard: true), Is.EqualTo(2u));
        Assert.That(producer.Reserve(discard: false), Is.EqualTo(2u));
        var seen = new List<(ulong Seq, bool Body)>();
        int count = reader.Consume((ref readonly ReservedSample s) => seen.Add((s.Seq, s.Body[0] == 0xab && s.Body[55] == 0xab)));
        Assert.That(count, Is.EqualTo(2));
        Assert.That(seen, Is.EqualTo(new[] { (0UL, true), (2UL, true) }), "the discarded record (1) is skipped");
    }

    [Test]
    public void RingBufferRecordsLongerThanTheStructAreReadByTheirHead()
    {
        using var producer = new RingBufferProducer(Sys, 16 * 1024);
        using var reader = new RingBufferReader(producer.Ring);
        Assert.That(producer.Output(100), Is.EqualTo(2u));
        Assert.That(producer.Output(8), Is.EqualTo(2u));
        var sequences = new List<ulong>();
        Assert.That(reader.Consume((ref readonly ulong seq) => sequences.Add(seq)), Is.EqualTo(2));
        Assert.That(sequences, Is.EqualTo(new[] { 0UL, 1UL }));
    }

    [Test]
    public void PerfSamplesAreReadAsTheirStruct()
    {
        using var producer = new PerfEventProducer(Sys);
        using var reader = new PerfEventReader(producer.Array);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(producer.Output(12), Is.EqualTo(2u));
        }

        var sequences = new List<ulong>();
        Assert.That(reader.Consume((ref readonly ulong seq) => sequences.Add(seq)), Is.EqualTo(3));
        Assert.That(sequences, Is.EquivalentTo(new[] { 0UL, 1UL, 2UL }), "CPUs are visited in turn");
    }

    /// <summary><c>struct sample { __u64 seq; __u8 body[56]; }</c> of ringbuf.bpf.c.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct ReservedSample
    {
        public ulong Seq;
        public Body56 Body;
    }

    [System.Runtime.CompilerServices.InlineArray(56)]
    private struct Body56
    {
        private byte _first;
    }
}
