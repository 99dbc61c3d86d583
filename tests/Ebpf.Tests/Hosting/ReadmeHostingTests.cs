using Ebpf.Hosting;
using Ebpf.Links;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ebpf.Tests.Hosting;

/// <summary>The README's hosting snippet (without the health check registration, whose package the tests do not use) keeps compiling and registering.</summary>
public class ReadmeHostingTests
{
    [Test]
    public void TheSnippetRegistersTheCollectionAndItsConsumers()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(builder.Configuration);
        builder.Services.AddEbpfCollection("probe", b => b
            .FromFile("bpf/probe.bpfel.o")
            .Configure(o => o with { LoadPrograms = ["optional"] })
            .Attach(c => c.Programs["on_sys_enter"].AttachRawTracepoint("sys_enter")));
        builder.Services.AddEbpfRingBufferConsumer<ExecHandler>("probe", "events");
        builder.Services.AddEbpfRingBufferRecordConsumer<OpenHandler>("probe", "opens");
        builder.Services.AddEbpfEventRecordConsumer<ExitHandler, ExitEvent>("probe", "exits");
        builder.Services.AddEbpfPerfEventConsumer("probe", "perf_events", (e, ct) => ValueTask.CompletedTask);
        using var host = builder.Build();
        var hosted = host.Services.GetServices<IHostedService>().ToList();
        Assert.That(hosted.Select(s => s.GetType().Name), Is.EqualTo(new[] { "EbpfStartup", "EbpfCollectionService", "EbpfRingBufferConsumer", "EbpfRingBufferConsumer", "EbpfEventRecordConsumer`1", "EbpfPerfEventConsumer" }));
        Assert.That(host.Services.GetRequiredService<ExecHandler>(), Is.Not.Null);
        Assert.That(host.Services.GetRequiredService<OpenHandler>(), Is.Not.Null);
        Assert.That(host.Services.GetRequiredService<ExitHandler>(), Is.Not.Null);
        Assert.That(EbpfCollectionHealthCheck.For(host.Services, "probe"), Is.Not.Null);
    }

    private sealed class ExecHandler : IEbpfEventHandler
    {
        public ValueTask HandleAsync(EbpfEvent record, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class OpenHandler : IEbpfRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> data, int cpu)
        {
        }
    }

    private readonly record struct ExitEvent(uint Pid, int ExitCode);

    private sealed class ExitHandler : IEbpfRecordHandler<ExitEvent>
    {
        public void Handle(in ExitEvent e, int cpu)
        {
        }
    }
}
