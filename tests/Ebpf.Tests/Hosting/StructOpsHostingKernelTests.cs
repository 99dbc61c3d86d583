using Ebpf.Hosting;
using Ebpf.Kernel;
using Ebpf.Links;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Ebpf.Tests.Hosting;

/// <summary>A hosted collection registers its struct_ops maps through <see cref="EbpfCollectionBuilder.Attach(Func{Collection, ILink})"/>.</summary>
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public class StructOpsHostingKernelTests
{
    private static string[] CongestionControls() =>
        File.ReadAllText("/proc/sys/net/ipv4/tcp_available_congestion_control").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IHost BuildHost(string file, string map)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("cc", b => b
            .FromFile(TestPrograms.Path(file))
            .Attach(c => c.Maps[map].AttachStructOps()));
        return builder.Build();
    }

    [TestCase("struct_ops", "dotnet_cc")]
    [TestCase("struct_ops_link", "dotnet_link_cc")]
    public async Task AHostRegistersTheStructOpsMapAtStartAndUnregistersItAtStop(string file, string map)
    {
        if (file == "struct_ops_link")
        {
            Ebpf.Tests.Kernel.StructOpsKernelTests.RequireStructOpsLinks();
        }

        using var host = BuildHost(file, map);
        Assert.That(CongestionControls(), Does.Not.Contain(map));
        await host.StartAsync();
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("cc");
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Loaded), handle.Failure?.ToString());
        Assert.That(CongestionControls(), Does.Contain(map));
        var health = EbpfCollectionHealthCheck.For(host.Services, "cc").Check();
        Assert.That(health.Status, Is.EqualTo(HealthStatus.Healthy), health.Description);
        handle.Links.Single().Detach();
        Assert.That(CongestionControls(), Does.Not.Contain(map));
        health = EbpfCollectionHealthCheck.For(host.Services, "cc").Check();
        Assert.That(health.Status, Is.EqualTo(HealthStatus.Unhealthy), health.Description);
        await host.StopAsync();
        Assert.That(CongestionControls(), Does.Not.Contain(map));
    }

    [Test]
    public async Task AHostsAttachAllRegistersTheStructOpsMaps()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("cc", b => b.FromFile(TestPrograms.Path("struct_ops")).AttachAll());
        using var host = builder.Build();
        await host.StartAsync();
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("cc");
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Loaded), handle.Failure?.ToString());
        Assert.That(handle.Links, Has.Count.EqualTo(2).And.All.InstanceOf<StructOpsAttachment>());
        Assert.That(CongestionControls(), Does.Contain("dotnet_cc").And.Contain("dotnet_cc2"));
        await host.StopAsync();
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc").And.Not.Contain("dotnet_cc2"));
    }
}
