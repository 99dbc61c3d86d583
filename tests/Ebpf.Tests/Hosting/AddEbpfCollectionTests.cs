using System.Diagnostics.Metrics;
using Ebpf.Btf;
using Ebpf.Hosting;
using Ebpf.Kernel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Moq;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Hosting;

// An empty spec loads without a syscall, so the strict mock proves the host itself makes none; the attach callbacks
// return recording links to check the start and stop order.
public class AddEbpfCollectionTests
{
    private static IHost BuildHost(Action<EbpfCollectionBuilder> build, List<string> journal, Action<EbpfOptions>? options = null)
    {
        var syscalls = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(syscalls.Object);
        builder.Services.AddSingleton(new KernelBtf("/nonexistent/vmlinux", "/nonexistent"));
        builder.Services.AddEbpf(o =>
        {
            o.Memlock = MemlockPolicy.Leave;
            options?.Invoke(o);
        });
        builder.Services.AddEbpfCollection("probe", b =>
        {
            b.FromSpec(() =>
            {
                journal.Add("load");
                return new CollectionSpec();
            });
            build(b);
        });
        return builder.Build();
    }

    [Test]
    public void TheHandleIsKeyedByNameAndTheServiceIsHosted()
    {
        using var host = BuildHost(_ => { }, []);
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("probe");
        Assert.That(handle.Name, Is.EqualTo("probe"));
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.NotLoaded));
        Assert.That(() => handle.Collection, Throws.InvalidOperationException);
        Assert.That(host.Services.GetServices<IHostedService>().OfType<EbpfCollectionService>().Count(), Is.EqualTo(1));
        Assert.That(host.Services.GetServices<IHostedService>().OfType<EbpfStartup>().Count(), Is.EqualTo(1), "AddEbpf is implied");
    }

    [Test]
    public void ANameIsRegisteredOnceAndNeedsAnObject()
    {
        var services = new ServiceCollection().AddEbpfCollection("a", b => b.FromSpec(() => new CollectionSpec()));
        Assert.That(() => services.AddEbpfCollection("a", b => b.FromSpec(() => new CollectionSpec())), Throws.InvalidOperationException);
        Assert.That(() => services.AddEbpfCollection("b", _ => { }), Throws.InvalidOperationException.With.Message.Contains("FromFile"));
        Assert.That(() => services.AddEbpfCollection("c", b => b.FromFile("x.o").FromFile("y.o")), Throws.InvalidOperationException);
    }

    [Test]
    public async Task StartLoadsThenAttachesInOrderAndStopClosesInReverse()
    {
        var journal = new List<string>();
        using var host = BuildHost(b => b.Attach(_ => new RecordingLink("first", journal)).Attach((_, _) => new RecordingLink("second", journal)), journal);
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("probe");
        await host.StartAsync();
        Assert.That(journal, Is.EqualTo(new[] { "load", "attach first", "attach second" }));
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Loaded));
        Assert.That(handle.Links.Select(l => l.ToString()), Is.EqualTo(new[] { "link first", "link second" }));
        Assert.That(await handle.WhenLoaded, Is.SameAs(handle.Collection));
        Assert.That(EbpfCollectionHealthCheck.For(host.Services, "probe").Check().Status, Is.EqualTo(HealthStatus.Healthy));

        await host.StopAsync();
        Assert.That(journal, Is.EqualTo(new[] { "load", "attach first", "attach second", "close second", "close first" }));
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Stopped));
        Assert.That(handle.Links, Is.Empty);
        Assert.That(() => handle.Collection, Throws.InvalidOperationException);
    }

    [Test]
    public async Task AFailedAttachClosesWhatWasAttachedAndFailsTheStart()
    {
        var journal = new List<string>();
        using var host = BuildHost(b => b.Attach(_ => new RecordingLink("first", journal)).Attach(_ => throw new EbpfException("no such tracepoint")), journal);
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("probe");
        Assert.That(async () => await host.StartAsync(), Throws.TypeOf<EbpfException>());
        Assert.That(journal, Is.EqualTo(new[] { "load", "attach first", "close first" }));
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Failed));
        Assert.That(handle.WhenLoaded.IsFaulted);
    }

    [Test]
    public async Task WithContinueOnFailureTheHostStartsAndTheHealthCheckIsUnhealthy()
    {
        var journal = new List<string>();
        using var host = BuildHost(b => b.Attach(_ => throw new EbpfException("no such tracepoint")).ContinueOnFailure(), journal);
        await host.StartAsync();
        var check = EbpfCollectionHealthCheck.For(host.Services, "probe");
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Description, Does.Contain("no such tracepoint"));
        await host.StopAsync();
        Assert.That(check.Check().Status, Is.EqualTo(HealthStatus.Unhealthy), "a failed load stays failed");
    }

    [Test]
    public async Task TheHealthCheckIsUnhealthyWhenALinkIsGone()
    {
        var journal = new List<string>();
        RecordingLink? link = null;
        using var host = BuildHost(b => b.Attach(_ => link = new RecordingLink("first", journal)), journal);
        var check = EbpfCollectionHealthCheck.For(host.Services, "probe");
        Assert.That(check.Check().Status, Is.EqualTo(HealthStatus.Degraded), "not started");
        await host.StartAsync();
        Assert.That(check.Check().Status, Is.EqualTo(HealthStatus.Healthy));
        link!.Detach();
        var result = check.Check();
        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Description, Does.Contain("link first is gone"));
        await host.StopAsync();
        Assert.That(check.Check().Status, Is.EqualTo(HealthStatus.Degraded), "stopped");
    }

    [Test]
    public async Task LoadsAndAttachmentsAreCountedOnTheEbpfMeter()
    {
        var seen = new List<(string Instrument, long Value, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EbpfMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? collection = null, outcome = null;
            foreach (var tag in tags)
            {
                collection = tag.Key == "ebpf.collection" ? tag.Value as string : collection;
                outcome = tag.Key == "ebpf.outcome" ? tag.Value as string : outcome;
            }

            if (collection == "counted")
            {
                lock (seen)
                {
                    seen.Add((instrument.Name, value, outcome));
                }
            }
        });
        listener.Start();
        foreach (bool fails in new[] { false, true })
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddSingleton(new Mock<IBpfSyscalls>(MockBehavior.Strict).Object);
            builder.Services.AddEbpf(o => o.Memlock = MemlockPolicy.Leave);
            builder.Services.AddEbpfCollection("counted", b => b.FromSpec(() => new CollectionSpec())
                .Attach(_ => new RecordingLink("first", []))
                .Attach(_ => fails ? throw new EbpfException("no such tracepoint") : new RecordingLink("second", []))
                .ContinueOnFailure());
            using var host = builder.Build();
            await host.StartAsync();
            await host.StopAsync();
        }

        Assert.That(seen, Is.EqualTo(new (string, long, string?)[]
        {
            ("ebpf.links.attached", 1, null), ("ebpf.links.attached", 1, null), ("ebpf.collection.loads", 1, "loaded"),
            ("ebpf.links.attached", 1, null), ("ebpf.collection.loads", 1, "failed"),
        }));
    }

    [Test]
    public async Task ASpecSourceMayUseTheHostsServices()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(new Mock<IBpfSyscalls>(MockBehavior.Strict).Object);
        builder.Services.AddSingleton(new CollectionSpec());
        builder.Services.AddEbpf(o => o.Memlock = MemlockPolicy.Leave);
        CollectionSpec? used = null;
        builder.Services.AddEbpfCollection("probe", b => b.FromSpec(services => used = services.GetRequiredService<CollectionSpec>()));
        using var host = builder.Build();
        Assert.That(used, Is.Null, "made at start, not at registration");
        await host.StartAsync();
        Assert.That(used, Is.SameAs(host.Services.GetRequiredService<CollectionSpec>()));
        await host.StopAsync();
    }

    [Test]
    public void LoadOptionsComeFromTheHostOptionsThenConfigure()
    {
        using var host = BuildHost(
            b => b.Configure(o => o with { LoadPrograms = ["optional"] }),
            [],
            o =>
            {
                o.PinPath = "/sys/fs/bpf/agent";
                o.VerifierLogSize = 1 << 20;
                o.VerifierLogLevel = 2;
                o.TokenPath = "/run/container-bpffs";
            });
        var options = host.Services.GetServices<IHostedService>().OfType<EbpfCollectionService>().Single().LoadOptions();
        Assert.That(options.PinPath, Is.EqualTo("/sys/fs/bpf/agent"));
        Assert.That(options.TokenPath, Is.EqualTo("/run/container-bpffs"), "the bpffs each load takes its BPF token from");
        Assert.That(options.Programs.LogSize, Is.EqualTo(1 << 20));
        Assert.That(options.Programs.KernelBtf, Is.SameAs(host.Services.GetRequiredService<KernelBtf>()));
        Assert.That(options.LoadPrograms, Is.EqualTo(new[] { "optional" }));
    }

    [Test]
    public void FeatureFallbackPolicyBecomesTheCollectionsFallbacks()
    {
        using var lenient = BuildHost(_ => { }, [], o => o.FeatureFallback = FeatureFallbackPolicy.Fallback);
        var fallback = lenient.Services.GetServices<IHostedService>().OfType<EbpfCollectionService>().Single().LoadOptions().Fallbacks;
        Assert.That(fallback.Allowed, Is.True);
        Assert.That(fallback.Report, Is.Not.Null, "fallbacks are logged");
        Assert.DoesNotThrow(() => fallback.Report!("program 'x': the kernel rejected BTF (EINVAL); loading without it"));

        using var strict = BuildHost(_ => { }, [], o => o.FeatureFallback = FeatureFallbackPolicy.Strict);
        Assert.That(strict.Services.GetServices<IHostedService>().OfType<EbpfCollectionService>().Single().LoadOptions().Fallbacks.Allowed, Is.False);
    }

    [Test]
    public async Task ConsumersOfAFailedCollectionEndQuietly()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(new Mock<IBpfSyscalls>(MockBehavior.Strict).Object);
        builder.Services.AddEbpf(o => o.Memlock = MemlockPolicy.Leave);
        builder.Services.AddEbpfCollection("probe", b => b.FromSpec(() => throw new InvalidOperationException("bad object")).ContinueOnFailure());
        builder.Services.AddEbpfRingBufferConsumer("probe", "events", (_, _) => ValueTask.CompletedTask);
        builder.Services.AddEbpfPerfEventConsumer("probe", "perf_events", (_, _) => ValueTask.CompletedTask);
        using var host = builder.Build();
        await host.StartAsync();
        var consumers = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        Assert.That(consumers, Has.Count.EqualTo(2));
        foreach (var consumer in consumers)
        {
            await consumer.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        }

        await host.StopAsync();
    }

    [Test]
    public async Task ATypedViewIsMadeFromTheLoadedCollection()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(new Mock<IBpfSyscalls>(MockBehavior.Strict).Object);
        builder.Services.AddEbpf(o => o.Memlock = MemlockPolicy.Leave);
        builder.Services.AddEbpfCollection("probe", c => new ProbeObjects(c), b => b.FromSpec(() => new CollectionSpec()));
        using var host = builder.Build();
        Assert.That(() => host.Services.GetRequiredService<ProbeObjects>(), Throws.InvalidOperationException.With.Message.Contains("NotLoaded"));
        await host.StartAsync();
        var objects = host.Services.GetRequiredService<ProbeObjects>();
        Assert.That(objects.Collection, Is.SameAs(host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("probe").Collection));
        await host.StopAsync();
    }

    private sealed class ProbeObjects(Collection collection)
    {
        public Collection Collection { get; } = collection;
    }

    [Test]
    public async Task AMissingResourceFailsTheLoadWithItsName()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(new Mock<IBpfSyscalls>(MockBehavior.Strict).Object);
        builder.Services.AddEbpf(o => o.Memlock = MemlockPolicy.Leave);
        builder.Services.AddEbpfCollection("probe", b => b.FromResource(typeof(AddEbpfCollectionTests).Assembly, "probe.bpfel.o").ContinueOnFailure());
        using var host = builder.Build();
        await host.StartAsync();
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("probe");
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Failed));
        Assert.That(handle.Failure!.Message, Does.Contain("has no resource probe.bpfel.o"));
        await host.StopAsync();
    }
}
