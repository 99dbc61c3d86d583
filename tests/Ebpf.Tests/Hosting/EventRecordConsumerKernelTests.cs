using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Hosting;
using Ebpf.Kernel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ebpf.Tests.Hosting;

/// <summary>
/// The typed hosted consumer (<see cref="IEbpfRecordHandler{TEvent}"/>, <c>AddEbpfEventRecordConsumer</c>): records
/// handed as the event struct on the consumer's own thread, in batches, from a ring buffer and from a ring-or-perf
/// event buffer loaded as either kind; records shorter than the struct skipped, counted and logged, not a crash.
/// </summary>
[Category("Kernel")]
[NonParallelizable]
public class EventRecordConsumerKernelTests
{
    private static readonly byte[] Packet = new byte[64];

    [Test]
    public async Task RingBufferRecordsAreHandedInPlaceAsTheEventOnTheConsumerThread()
    {
        using var measured = new MeasurementRecorder("ring/events");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("ring", b => b.FromFile(TestPrograms.Path("ringbuf")));
        builder.Services.AddEbpfEventRecordConsumer<SampleHandler, Sample>("ring", "events");
        using var host = builder.Build();
        await host.StartAsync();
        var handler = host.Services.GetRequiredService<SampleHandler>();
        var reserve = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("ring").Collection.Programs["ringbuf_reserve"];

        // ringbuf_reserve: a 64-byte struct sample { u64 seq; u8 body[56] } with 0xab bytes, submitted or discarded.
        var packet = new byte[64];
        for (int i = 0; i < 10; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), i % 3 == 1 ? 1u : 0u);
            Assert.That(reserve.TestRun(packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: the record was reserved");
        }

        await handler.WaitForAsync(7);
        var consumer = host.Services.GetServices<IHostedService>().OfType<EbpfEventRecordConsumer<Sample>>().Single();
        await host.StopAsync();

        Assert.That(handler.Sequences, Is.EqualTo(new ulong[] { 0, 2, 3, 5, 6, 8, 9 }), "in order, discarded records skipped");
        Assert.That(handler.BodiesIntact, Is.True, "the body bytes are 0xab");
        Assert.That(handler.Cpus, Is.All.EqualTo(-1));
        Assert.That(handler.Threads.Distinct().Count(), Is.EqualTo(1), "one consumer thread");
        Assert.That(handler.OnPoolThread, Is.False, "the handler runs on the consumer's dedicated thread, not the thread pool");
        Assert.That(handler.Batches, Is.InRange(1, 7), "OnBatchEnd after each batch");
        Assert.That(consumer.EventsRead, Is.EqualTo(7));
        Assert.That(consumer.RecordsTooShort, Is.Zero);
        Assert.That(measured.Sum("ebpf.events.read"), Is.EqualTo(7));
        Assert.That(measured.Sum("ebpf.ringbuf.discarded"), Is.EqualTo(3));
    }

    [TestCase(EventBufferKind.RingBuffer)]
    [TestCase(EventBufferKind.PerfEventArray)]
    public async Task AnEventBufferIsReadTypedWhicheverKindItWasLoadedAs(EventBufferKind kind)
    {
        if (kind == EventBufferKind.RingBuffer)
        {
            KernelRefusal.Require("BPF_MAP_TYPE_RINGBUF", () => Features.Default.HaveMapType(BpfMapType.Ringbuf));
        }

        var logs = new ListLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("buffer", b => b.FromSpec(_ =>
        {
            var spec = CollectionSpec.Load(TestPrograms.Path("event_buffer"));
            EventBuffer.Prepare(spec, kind);
            return spec;
        }));
        builder.Services.AddEbpfEventRecordConsumer<BufferEventHandler, BufferEvent>("buffer", "events");
        using var host = builder.Build();
        await host.StartAsync();
        var handler = host.Services.GetRequiredService<BufferEventHandler>();
        var emit = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("buffer").Collection.Programs["emit"];

        // A perf sample needs the CPU's ring open (bpf_perf_event_output fails with ENOENT before): wait for the reader.
        await WaitUntil(() => Messages(logs).Any(m => m.Contains("consumer reading")));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(emit.TestRun(Packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: the event was sent");
        }

        await handler.WaitForAsync(3);
        var consumer = host.Services.GetServices<IHostedService>().OfType<EbpfEventRecordConsumer<BufferEvent>>().Single();
        await host.StopAsync();

        Assert.That(handler.Events, Is.EqualTo(new[]
        {
            (0UL, (uint)kind, 0xeb9f0001u, "buffer"),
            (1UL, (uint)kind, 0xeb9f0001u, "buffer"),
            (2UL, (uint)kind, 0xeb9f0001u, "buffer"),
        }));
        Assert.That(handler.Cpus, kind == EventBufferKind.RingBuffer ? Is.All.EqualTo(-1) : Is.All.GreaterThanOrEqualTo(0));
        Assert.That(handler.OnPoolThread, Is.False);
        Assert.That(consumer.EventsRead, Is.EqualTo(3));
        Assert.That(consumer.EventsLost, Is.Zero);
        Assert.That(Messages(logs), Has.One.Contains($"eBPF event consumer reading buffer/events ({kind}) as BufferEvent (32 bytes)"));
        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message), Is.Empty,
            "no Warning: the heap's BTF (a value type) is accepted, no fallback");
    }

    [Test]
    public async Task RecordsShorterThanTheEventAreSkippedCountedAndLoggedOnce()
    {
        using var measured = new MeasurementRecorder("short/events");
        var logs = new ListLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("short", b => b.FromFile(TestPrograms.Path("ringbuf")));
        builder.Services.AddEbpfEventRecordConsumer<SampleHandler, Sample>("short", "events");
        using var host = builder.Build();
        await host.StartAsync();
        var handler = host.Services.GetRequiredService<SampleHandler>();
        var output = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("short").Collection.Programs["ringbuf_output"];

        // ringbuf_output: a record of the requested size whose first 8 bytes are the sequence number.
        var packet = new byte[64];
        foreach (uint size in new uint[] { 64, 8, 64, 12, 72 })
        {
            BinaryPrimitives.WriteUInt32LittleEndian(packet, size);
            Assert.That(output.TestRun(packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: the record was sent");
        }

        await handler.WaitForAsync(3);
        var consumer = host.Services.GetServices<IHostedService>().OfType<EbpfEventRecordConsumer<Sample>>().Single();
        await WaitUntil(() => consumer.RecordsTooShort == 2);
        await host.StopAsync();

        Assert.That(handler.Sequences, Is.EqualTo(new ulong[] { 0, 2, 4 }), "the 64- and 72-byte records, not the 8- and 12-byte ones");
        Assert.That(consumer.EventsRead, Is.EqualTo(3));
        Assert.That(consumer.RecordsTooShort, Is.EqualTo(2));
        Assert.That(measured.Sum("ebpf.events.short"), Is.EqualTo(2));
        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), "one Warning, the first time");
        Assert.That(warnings[0], Does.Contain("short/events: a record of 8 bytes is shorter than Sample (64 bytes), skipped"));
    }

    [Test]
    public async Task ARingHoldingFewerThan64EventsOfTheTypeLogsAWarningAtStart()
    {
        var logs = new ListLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);

        // 64 KiB ring: 4096-byte events take 4104 bytes each, 15 fit.
        builder.Services.AddEbpfCollection("large", b => b.FromFile(TestPrograms.Path("hosting")));
        builder.Services.AddEbpfEventRecordConsumer<LargeEventHandler, LargeEvent>("large", "events");
        using var host = builder.Build();
        await host.StartAsync();
        await WaitUntil(() => Messages(logs).Any(m => m.Contains("consumer reading")));
        await host.StopAsync();

        Assert.That(logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message), Has.One
            .Contains("ring buffer large/events of 65536 bytes holds 15 records of 4096 bytes, fewer than 64").And.Contains("at least 524288 bytes"));
    }

    private static string[] Messages(ListLoggerProvider logs)
    {
        lock (logs.Entries)
        {
            return [.. logs.Entries.Select(e => e.Message)];
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    /// <summary><c>struct sample</c> of ringbuf.bpf.c.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Sample
    {
        public ulong Seq;
        public Body56 Body;
    }

    [InlineArray(56)]
    private struct Body56
    {
        private byte _first;
    }

    /// <summary><c>struct buffer_event</c> of event_buffer.bpf.c.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BufferEvent
    {
        public ulong Seq;
        public uint Kind;
        public uint Magic;
        public Comm16 Comm;
    }

    [InlineArray(16)]
    private struct Comm16
    {
        private byte _first;
    }

    [InlineArray(4096)]
    private struct LargeEvent
    {
        private byte _first;
    }

    /// <summary>Keeps what each record showed during its call, and where the call ran.</summary>
    private abstract class RecordingHandler<TEvent, TSeen> : IEbpfRecordHandler<TEvent>
        where TEvent : unmanaged
    {
        private readonly ConcurrentQueue<(TSeen Seen, int Cpu, int Thread, bool Pool)> _records = new();
        private int _batches;

        public TSeen[] Seen => [.. _records.Select(r => r.Seen)];

        public int[] Cpus => [.. _records.Select(r => r.Cpu)];

        public int[] Threads => [.. _records.Select(r => r.Thread)];

        public bool OnPoolThread => _records.Any(r => r.Pool);

        public int Batches => Volatile.Read(ref _batches);

        public void Handle(in TEvent e, int cpu) =>
            _records.Enqueue((Read(in e), cpu, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread));

        public void OnBatchEnd() => Interlocked.Increment(ref _batches);

        public async Task WaitForAsync(int count)
        {
            await WaitUntil(() => _records.Count >= count && Batches > 0);
            Assert.That(_records, Has.Count.GreaterThanOrEqualTo(count), "records handed to the handler");
        }

        protected abstract TSeen Read(in TEvent e);
    }

    private sealed class SampleHandler : RecordingHandler<Sample, (ulong Seq, bool Intact)>
    {
        public ulong[] Sequences => [.. Seen.Select(s => s.Seq)];

        public bool BodiesIntact => Seen.All(s => s.Intact);

        protected override (ulong Seq, bool Intact) Read(in Sample e)
        {
            ReadOnlySpan<byte> body = e.Body;
            return (e.Seq, !body.ContainsAnyExcept((byte)0xab));
        }
    }

    private sealed class BufferEventHandler : RecordingHandler<BufferEvent, (ulong, uint, uint, string)>
    {
        public (ulong, uint, uint, string)[] Events => Seen;

        protected override (ulong, uint, uint, string) Read(in BufferEvent e) => (e.Seq, e.Kind, e.Magic, FixedString.Decode(e.Comm));
    }

    private sealed class LargeEventHandler : RecordingHandler<LargeEvent, int>
    {
        protected override int Read(in LargeEvent e) => 0;
    }
}
