using System.Buffers.Binary;
using System.Threading.Channels;
using Ebpf.Hosting;
using Ebpf.Kernel;
using Ebpf.Links;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Hosting;

[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public class HostingKernelTests
{
    private static (IHost Host, Channel<EbpfEvent> Ring, Channel<EbpfEvent> Perf) BuildHost(ListLoggerProvider logs)
    {
        var ring = Channel.CreateUnbounded<EbpfEvent>();
        var perf = Channel.CreateUnbounded<EbpfEvent>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("hosting", b => b
            .FromFile(TestPrograms.Path("hosting"))
            .Attach(c => c.Programs["on_sys_enter"].AttachRawTracepoint("sys_enter")));
        // A record's Data is valid until its handler completes: the channels keep copies.
        builder.Services.AddEbpfRingBufferConsumer("hosting", "events", (e, ct) => ring.Writer.WriteAsync(e with { Data = e.Data.ToArray() }, ct));
        builder.Services.AddEbpfPerfEventConsumer("hosting", "perf_events", (e, ct) => perf.Writer.WriteAsync(e with { Data = e.Data.ToArray() }, ct));
        return (builder.Build(), ring, perf);
    }

    private static async Task RunOnce(ListLoggerProvider logs, bool checkLinkGone)
    {
        var (host, ring, perf) = BuildHost(logs);
        using (host)
        {
            await host.StartAsync();
            var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("hosting");
            Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Loaded));
            uint linkId = handle.Links.Single().Info().Id;
            Assert.That(Link.Enumerate().Select(l => l.Id), Does.Contain(linkId));
            Assert.That(EbpfCollectionHealthCheck.For(host.Services, "hosting").Check().Status, Is.EqualTo(HealthStatus.Healthy));

            handle.Collection.Maps["target"].Update(0u, (uint)Environment.ProcessId);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            for (int i = 0; i < 3; i++)
            {
                _ = File.Exists("/nonexistent"); // a syscall of this process
            }

            var fromRing = await ring.Reader.ReadAsync(timeout.Token);
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(fromRing.Data.Span), Is.EqualTo((uint)Environment.ProcessId));
            Assert.That(fromRing.Map, Is.EqualTo("events"));
            Assert.That(fromRing.Cpu, Is.EqualTo(-1));
            var fromPerf = await perf.Reader.ReadAsync(timeout.Token);
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(fromPerf.Data.Span), Is.EqualTo((uint)Environment.ProcessId));
            Assert.That(fromPerf.Cpu, Is.GreaterThanOrEqualTo(0));

            var consumers = host.Services.GetServices<IHostedService>().ToList();
            Assert.That(consumers.OfType<EbpfRingBufferConsumer>().Single().EventsRead, Is.GreaterThan(0));
            Assert.That(consumers.OfType<EbpfPerfEventConsumer>().Single().EventsRead, Is.GreaterThan(0));

            await host.StopAsync();
            Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Stopped));
            if (checkLinkGone)
            {
                Assert.That(Link.Enumerate().Select(l => l.Id), Does.Not.Contain(linkId), "the link is closed at stop");
            }
        }
    }

    [Test]
    public async Task AttachAllAttachesEveryProgramThatNamesItsTargetAndClosesThemAtStop()
    {
        // attach_sections.bpf.c without its uprobe (its binary is a placeholder): tracepoint, raw_tp, tp_btf and
        // iter/task attach from their sections; the xdp program needs an interface and is left alone.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("sections", b => b
            .FromSpec(() =>
            {
                var spec = CollectionSpec.Load(TestPrograms.Path("attach_sections"));
                spec.Programs["on_uprobe"] = spec.Programs["on_uprobe"] with { Autoload = false };
                return spec;
            })
            .AttachAll());
        using var host = builder.Build();
        await host.StartAsync();
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("sections");
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Loaded));
        Assert.That(handle.Links, Has.Count.EqualTo(4));
        var links = handle.Links.OfType<Link>().ToList();
        Assert.That(links, Has.Count.EqualTo(4));
        // The ids of the bpf_links: the tracepoint's perf event has none before 5.15 (PerfEventLinkInfo checks that the kernel lacks them).
        var ids = links.Select(l => l is PerfEventLink perf ? Ebpf.Tests.Links.PerfEventLinkInfo.Read(perf)?.Id : l.Info().Id).OfType<uint>().ToList();
        Assert.That(ids, Has.Count.EqualTo(links.Count(l => l.Fd is not null)));
        Ebpf.Tests.Links.LinkTestNative.GetPid();
        Span<byte> value = stackalloc byte[8];
        handle.Collection.Maps["counts"].Lookup(BitConverter.GetBytes(1u), value);
        Assert.That(BitConverter.ToUInt64(value), Is.GreaterThan(0UL), "the raw_tp attached from its section fired");

        await host.StopAsync();
        Assert.That(links.Select(l => l.IsDisposed), Is.All.True, "every link is disposed at stop");
        Assert.That(Link.Enumerate().Select(l => l.Id).Intersect(ids), Is.Empty, "every link is closed at stop");
    }

    [Test]
    public async Task AHostLoadsAttachesConsumesAndDetachesWithoutLeaks()
    {
        await RunOnce(new ListLoggerProvider(), checkLinkGone: false); // warms up the runtime's own descriptors (epoll, KernelBtf)
        int before = OpenDescriptors.Before();
        var logs = new ListLoggerProvider();
        await RunOnce(logs, checkLinkGone: true);
        Assert.That(OpenDescriptors.KernelObjects(), Is.EqualTo(before), "descriptors leaked");
        Assert.That(logs.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Message), Has.Some.Contains("hosting loaded from").And.Some.Contains("attached"));
        Assert.That(logs.Entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message), Has.Some.Contains("verifier log"));
    }

    [Test]
    public async Task AVerifierRejectionIsLoggedAsAnErrorWithItsSummaryAndTheLogAtDebug()
    {
        var logs = new ListLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("bad", b => b.FromBytes(File.ReadAllBytes(TestPrograms.Path("verifier_fail"))).ContinueOnFailure());
        using var host = builder.Build();
        await host.StartAsync();
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("bad");
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Failed));
        Assert.That(handle.Failure, Is.InstanceOf<EbpfVerifierException>());
        var verifier = (EbpfVerifierException)handle.Failure!;
        var error = logs.Entries.Single(e => e.Level == LogLevel.Error);
        Assert.That(error.Message, Does.Contain(verifier.Summary ?? verifier.Message));
        Assert.That(logs.Entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message), Has.Some.Contains(verifier.Log.Trim().Split('\n')[^1]));
        Assert.That(EbpfCollectionHealthCheck.For(host.Services, "bad").Check().Status, Is.EqualTo(HealthStatus.Unhealthy));
        await host.StopAsync();
    }

    [Test]
    public async Task TheHealthCheckSeesALinkDetachedFromItsTarget()
    {
        using var veth = Ebpf.Tests.Links.VethNamespace.Create();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("xdp", b => b
            .FromFile(TestPrograms.Path("packet"))
            .Attach(c => c.Programs.Values.First(p => p.Type == BpfProgramType.Xdp).AttachXdp(veth.HostIfIndex)));
        using var host = builder.Build();
        await host.StartAsync();
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("xdp");
        var check = EbpfCollectionHealthCheck.For(host.Services, "xdp");
        Assert.That(check.Check().Status, Is.EqualTo(HealthStatus.Healthy));
        handle.Links.Single().Detach();
        var result = check.Check();
        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Description, Does.Contain("detached"));
        await host.StopAsync();
    }

    [Test]
    public async Task ThePerfConsumerCountsLostSamplesToTheMetrics()
    {
        long lostMeasured = 0;
        long perfLostMeasured = 0;
        long highWater = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EbpfMetrics.MeterName && instrument.Name is "ebpf.events.lost" or "ebpf.perf.lost" or "ebpf.perf.backlog.high_water")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "ebpf.events.lost":
                    Interlocked.Add(ref lostMeasured, value);
                    break;
                case "ebpf.perf.lost":
                    Interlocked.Add(ref perfLostMeasured, value);
                    break;
                default:
                    Interlocked.Exchange(ref highWater, value);
                    break;
            }
        });
        listener.Start();

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("hosting", b => b
            .FromFile(TestPrograms.Path("hosting"))
            .Attach(c => c.Programs["on_sys_enter"].AttachRawTracepoint("sys_enter")));
        builder.Services.AddEbpfPerfEventConsumer("hosting", "perf_events", async (_, ct) => await gate.Task.WaitAsync(ct),
            new PerfEventReaderOptions { PagesPerCpu = 1 });
        using var host = builder.Build();
        await host.StartAsync();
        var consumer = host.Services.GetServices<IHostedService>().OfType<EbpfPerfEventConsumer>().Single();
        host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("hosting").Collection.Maps["target"].Update(0u, (uint)Environment.ProcessId);
        for (int i = 0; i < 20000; i++)
        {
            _ = File.Exists("/nonexistent"); // one-page rings fill while the handler waits at the gate
        }

        // The kernel writes the lost record once the ring has room again: keep producing while the consumer drains.
        gate.SetResult();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (consumer.EventsLost == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
            _ = File.Exists("/nonexistent");
        }

        host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("hosting").Collection.Maps["target"].Update(0u, 0u);

        await host.StopAsync();
        Assert.That(consumer.EventsLost, Is.GreaterThan(0));
        Assert.That(consumer.EventsRead, Is.GreaterThan(0));
        Assert.That(Interlocked.Read(ref lostMeasured), Is.EqualTo(consumer.EventsLost));
        Assert.That(Interlocked.Read(ref perfLostMeasured), Is.EqualTo(consumer.EventsLost), "ebpf.perf.lost counts the same samples");
        Assert.That(Interlocked.Read(ref highWater), Is.GreaterThan(4096 / 2), "a one-page ring that lost samples was close to full");
    }
}
