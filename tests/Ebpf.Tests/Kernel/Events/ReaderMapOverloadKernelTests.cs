using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>The readers built from a <see cref="Map"/>: they read like the descriptor ones and reject other map types by name.</summary>
[Category("Kernel")]
public sealed class ReaderMapOverloadKernelTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    [Test]
    public void RingBufferReaderReadsFromAMap()
    {
        using var producer = new RingBufferProducer(Sys, 16 * 1024);
        using var map = Map.Open(producer.Ring.Dup());
        using var reader = new RingBufferReader(map);
        Assert.That(producer.Output(100), Is.EqualTo(2u));
        Assert.That(reader.TryRead(out var record), Is.True);
        RingBufferProducer.CheckRecord(record.Data.Span, 0, 100);
    }

    [Test]
    public void PerfEventReaderReadsFromAMap()
    {
        using var producer = new PerfEventProducer(Sys);
        using var map = Map.Open(producer.Array.Dup());
        using var reader = new PerfEventReader(map, new PerfEventReaderOptions { PagesPerCpu = 1 });
        Assert.That(producer.Output(64), Is.EqualTo(2u));
        Assert.That(reader.TryRead(TimeSpan.FromSeconds(5), out var record), Is.True);
        Assert.That(record.LostSamples, Is.Zero);
        Assert.That(record.Data.Length, Is.GreaterThanOrEqualTo(64));
    }

    [Test]
    public void UserRingBufferWritesToAMap()
    {
        using var map = Map.Open(KernelPrograms.CreateMap(Sys, BpfMapType.UserRingbuf, 0, 0, 16 * 1024));
        using var ring = new UserRingBuffer(map);
        Assert.That(ring.TryWrite(new byte[24]), Is.True);
        Assert.That(ring.FreeBytes, Is.EqualTo((16 * 1024) - 32));
    }

    [Test]
    public void OtherMapTypesAreRejectedNamingBoth()
    {
        using var array = Map.Open(KernelPrograms.CreateMap(Sys, BpfMapType.Array, 4, 4, 1, name: "not_a_ring"));
        var ring = Assert.Throws<ArgumentException>(() => new RingBufferReader(array))!;
        Assert.That(ring.ParamName, Is.EqualTo("ringBuffer"));
        Assert.That(ring.Message, Does.Contain("not_a_ring").And.Contain("RINGBUF").IgnoreCase);
        var perf = Assert.Throws<ArgumentException>(() => new PerfEventReader(array))!;
        Assert.That(perf.Message, Does.Contain("PERF_EVENT_ARRAY").IgnoreCase);
        var user = Assert.Throws<ArgumentException>(() => new UserRingBuffer(array))!;
        Assert.That(user.Message, Does.Contain("USER_RINGBUF").IgnoreCase);
        Assert.Throws<ArgumentNullException>(() => new RingBufferReader((Map)null!));
        Assert.That(array.FileDescriptor.IsClosed, Is.False);
    }
}
