using System.Diagnostics.Metrics;
using Ebpf.Btf;
using Ebpf.Hosting;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace Ebpf.Tests.Hosting;

public class AddEbpfTests
{
    [Test]
    public void RegistersTheLinuxKernelAndSharedBtfByDefault()
    {
        using var provider = new ServiceCollection().AddLogging().AddEbpf().BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IBpfSyscalls>(), Is.SameAs(LinuxBpfSyscalls.Instance));
        Assert.That(provider.GetRequiredService<KernelBtf>(), Is.SameAs(KernelBtf.Shared));
        Assert.That(provider.GetRequiredService<Features>(), Is.Not.Null);
        Assert.That(provider.GetServices<IHostedService>().OfType<EbpfStartup>().Count(), Is.EqualTo(1));
    }

    [Test]
    public void AnAlreadyRegisteredKernelIsKept()
    {
        var kernel = new Mock<IBpfSyscalls>(MockBehavior.Strict).Object;
        using var provider = new ServiceCollection().AddLogging().AddSingleton(kernel).AddEbpf().AddEbpf().BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IBpfSyscalls>(), Is.SameAs(kernel));
        Assert.That(provider.GetServices<IHostedService>().Count(), Is.EqualTo(1), "AddEbpf twice registers the startup service once");
    }

    [Test]
    public void OptionsAreBoundFromTheEbpfSectionThenConfigured()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ebpf:PinPath"] = "/sys/fs/bpf/agent",
            ["Ebpf:VerifierLogLevel"] = "2",
            ["Ebpf:Memlock"] = "Leave",
            ["Ebpf:FeatureFallback"] = "Strict",
            ["Ebpf:KernelBtfPath"] = "/tmp/vmlinux",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddEbpf(configuration, o => o.VerifierLogSize = 1 << 20).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<EbpfOptions>>().Value;
        Assert.That(options.PinPath, Is.EqualTo("/sys/fs/bpf/agent"));
        Assert.That(options.VerifierLogLevel, Is.EqualTo(2));
        Assert.That(options.VerifierLogSize, Is.EqualTo(1 << 20));
        Assert.That(options.Memlock, Is.EqualTo(MemlockPolicy.Leave));
        Assert.That(options.FeatureFallback, Is.EqualTo(FeatureFallbackPolicy.Strict));
        Assert.That(provider.GetRequiredService<KernelBtf>().VmlinuxPath, Is.EqualTo("/tmp/vmlinux"));
    }

    [TestCase(MemlockPolicy.RaiseWhenNeeded, "5.10", true)]
    [TestCase(MemlockPolicy.RaiseWhenNeeded, "5.11", false)]
    [TestCase(MemlockPolicy.RaiseWhenNeeded, "6.18", false)]
    [TestCase(MemlockPolicy.Remove, "6.18", true)]
    [TestCase(MemlockPolicy.Leave, "4.19", false)]
    public async Task StartupAppliesTheMemlockPolicy(MemlockPolicy policy, string kernel, bool raised)
    {
        var syscalls = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        syscalls.As<ISystemCalls>().Setup(s => s.GetMemlockLimit()).Returns(new ResourceLimit(64 << 10, 64 << 10));
        var set = new List<ResourceLimit>();
        syscalls.As<ISystemCalls>().Setup(s => s.SetMemlockLimit(It.Ref<ResourceLimit>.IsAny)).Callback(new SetMemlockCallback((in ResourceLimit l) => set.Add(l)));
        var startup = new EbpfStartup(Options.Create(new EbpfOptions { Memlock = policy }), syscalls.Object, NullLogger<EbpfStartup>.Instance, Version.Parse(kernel));
        await startup.StartAsync(CancellationToken.None);
        Assert.That(set, Is.EqualTo(raised ? new[] { new ResourceLimit(ResourceLimit.Infinity, ResourceLimit.Infinity) } : Array.Empty<ResourceLimit>()));
    }

    [Test]
    public async Task TheHostStartsAndStopsWithAMockedKernel()
    {
        var syscalls = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(syscalls.Object);
        builder.Services.AddEbpf(o => o.Memlock = MemlockPolicy.RaiseWhenNeeded);
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
        syscalls.VerifyNoOtherCalls(); // 6.x kernel: nothing to raise
    }

    [Test]
    public void MetricsAreRecordedOnTheEbpfMeter()
    {
        var seen = new List<(string Instrument, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EbpfMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen.Add((instrument.Name, value)));
        listener.Start();
        using var metrics = new EbpfMetrics();
        metrics.EventsRead("events", 3);
        metrics.EventsLost("events", 2);
        metrics.MapOperation("counts", "lookup");
        Assert.That(seen, Is.EquivalentTo(new[] { ("ebpf.events.read", 3L), ("ebpf.events.lost", 2L), ("ebpf.map.operations", 1L) }));
    }
}
