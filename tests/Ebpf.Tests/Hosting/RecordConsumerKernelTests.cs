using System.Buffers.Binary;
using System.Collections.Concurrent;
using Ebpf.Hosting;
using Ebpf.Kernel;
using Ebpf.Links;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ebpf.Tests.Hosting;

/// <summary>
/// The hosted zero-copy consumers (<see cref="IEbpfRecordHandler"/>): records handed in place on the consumer's own
/// thread, in batches; the ring health metrics they publish; the Warning for a ring too small for its declared events.
/// </summary>
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public class RecordConsumerKernelTests
{
    [Test]
    public async Task AZeroCopyHandlerGetsEveryRecordInPlaceOnTheConsumerThreadAndTheRingHealthIsMeasured()
    {
        using var measured = new MeasurementRecorder("ring/events");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("ring", b => b.FromFile(TestPrograms.Path("ringbuf")).DeclareEventSize("events", 64));
        builder.Services.AddEbpfRingBufferRecordConsumer<RecordingHandler>("ring", "events");
        using var host = builder.Build();
        await host.StartAsync();
        var handler = host.Services.GetRequiredService<RecordingHandler>();
        var reserve = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("ring").Collection.Programs["ringbuf_reserve"];

        // ringbuf_reserve: a 64-byte record holding the sequence number and 0xab bytes, submitted or discarded.
        var packet = new byte[64];
        for (int i = 0; i < 10; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), i % 3 == 1 ? 1u : 0u);
            Assert.That(reserve.TestRun(packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: the record was reserved");
        }

        await handler.WaitForAsync(7);
        var consumer = host.Services.GetServices<IHostedService>().OfType<EbpfRingBufferConsumer>().Single();
        await host.StopAsync();

        Assert.That(handler.Sequences, Is.EqualTo(new ulong[] { 0, 2, 3, 5, 6, 8, 9 }), "in order, discarded records skipped");
        Assert.That(handler.Lengths, Is.All.EqualTo(64));
        Assert.That(handler.Cpus, Is.All.EqualTo(-1));
        Assert.That(handler.Threads.Distinct().Count(), Is.EqualTo(1), "one consumer thread");
        Assert.That(handler.OnPoolThread, Is.False, "the handler runs on the consumer's dedicated thread, not the thread pool");
        Assert.That(handler.Batches, Is.InRange(1, 7), "OnBatchEnd after each batch");
        Assert.That(consumer.EventsRead, Is.EqualTo(7));
        Assert.That(measured.Sum("ebpf.events.read"), Is.EqualTo(7));
        Assert.That(measured.Sum("ebpf.ringbuf.discarded"), Is.EqualTo(3));
        Assert.That(measured.Last("ebpf.ringbuf.backlog.high_water"), Is.GreaterThanOrEqualTo(72), "at least one 64-byte record and its header waited");
        Assert.That(measured.Sum("ebpf.ringbuf.busy"), Is.Zero, "reserve and submit happen in one program run");
    }

    [Test]
    public async Task APerfZeroCopyHandlerGetsSamplesWithTheirCpu()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("hosting", b => b
            .FromFile(TestPrograms.Path("hosting"))
            .Attach(c => c.Programs["on_sys_enter"].AttachRawTracepoint("sys_enter")));
        builder.Services.AddEbpfPerfEventRecordConsumer<RecordingHandler>("hosting", "perf_events");
        using var host = builder.Build();
        await host.StartAsync();
        var handler = host.Services.GetRequiredService<RecordingHandler>();
        var target = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("hosting").Collection.Maps["target"];
        target.Update(0u, (uint)Environment.ProcessId);
        for (int i = 0; i < 3; i++)
        {
            _ = File.Exists("/nonexistent"); // a syscall of this process
        }

        await handler.WaitForAsync(1);
        target.Update(0u, 0u);
        await host.StopAsync();

        Assert.That(handler.Pids, Has.All.EqualTo((uint)Environment.ProcessId));
        Assert.That(handler.Cpus, Has.All.GreaterThanOrEqualTo(0));
        Assert.That(handler.OnPoolThread, Is.False);
        Assert.That(handler.Batches, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task ARingHoldingFewerThan64DeclaredEventsLogsAWarningAtStart()
    {
        var logs = new ListLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);

        // 64 KiB ring: 4096-byte events take 4104 bytes each, 15 fit; one 4 KiB page per CPU: 272-byte perf samples, 15 fit.
        builder.Services.AddEbpfCollection("small", b => b
            .FromFile(TestPrograms.Path("hosting"))
            .DeclareEventSize("events", 4096)
            .DeclareEventSize("perf_events", 256));
        builder.Services.AddEbpfRingBufferRecordConsumer<RecordingHandler>("small", "events");
        builder.Services.AddEbpfPerfEventConsumer("small", "perf_events", (_, _) => ValueTask.CompletedTask, new PerfEventReaderOptions { PagesPerCpu = 1 });

        // 1000-byte events take 1008 bytes, 65 fit: no Warning.
        builder.Services.AddEbpfCollection("large", b => b.FromFile(TestPrograms.Path("hosting")).DeclareEventSize("events", 1000));
        builder.Services.AddEbpfRingBufferConsumer("large", "events", (_, _) => ValueTask.CompletedTask);
        using var host = builder.Build();
        await host.StartAsync();
        await WaitUntil(() => logs.Entries.Count(e => e.Message.Contains("consumer reading")) == 3);
        await host.StopAsync();

        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.That(warnings, Has.Count.EqualTo(2));
        Assert.That(warnings, Has.One.Contains("ring buffer small/events of 65536 bytes holds 15 records of 4096 bytes, fewer than 64")
            .And.Contains("at least 524288 bytes"));
        Assert.That(warnings, Has.One.Contains("perf event array small/perf_events: a CPU's ring of 4096 bytes holds 15 samples of 256 bytes")
            .And.Contains("at least 8 pages"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>Keeps what each record showed during its call (its span is gone afterwards).</summary>
    private sealed class RecordingHandler : IEbpfRecordHandler
    {
        private readonly ConcurrentQueue<(ulong Sequence, int Length, int Cpu, int Thread, bool Pool)> _records = new();
        private int _batches;

        public ulong[] Sequences => [.. _records.Select(r => r.Sequence)];

        public uint[] Pids => [.. _records.Select(r => (uint)r.Sequence)];

        public int[] Lengths => [.. _records.Select(r => r.Length)];

        public int[] Cpus => [.. _records.Select(r => r.Cpu)];

        public int[] Threads => [.. _records.Select(r => r.Thread)];

        public bool OnPoolThread => _records.Any(r => r.Pool);

        public int Batches => Volatile.Read(ref _batches);

        public void Handle(ReadOnlySpan<byte> data, int cpu)
        {
            if (cpu < 0)
            {
                Assert.That(data[8..].ToArray(), Is.All.EqualTo(0xab));
            }

            _records.Enqueue((BinaryPrimitives.ReadUInt64LittleEndian(data), data.Length, cpu, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread));
        }

        public void OnBatchEnd() => Interlocked.Increment(ref _batches);

        public async Task WaitForAsync(int count)
        {
            await WaitUntil(() => _records.Count >= count && Batches > 0);
            Assert.That(_records, Has.Count.GreaterThanOrEqualTo(count), "records handed to the handler");
        }
    }
}
