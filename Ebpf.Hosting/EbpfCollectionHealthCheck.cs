using Ebpf.Links;
using Ebpf.Specs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ebpf.Hosting;

/// <summary>
/// Reports a hosted collection Unhealthy when it failed to load or attach, or when one of its links is no longer
/// attached (closed, or the kernel no longer reports it or its program); Degraded before the host started or after
/// it stopped; Healthy otherwise. Register it with
/// <c>services.AddHealthChecks().Add(new HealthCheckRegistration("ebpf", sp =&gt; EbpfCollectionHealthCheck.For(sp, "name"), null, null))</c>.
/// </summary>
public sealed class EbpfCollectionHealthCheck : IHealthCheck
{
    private readonly EbpfCollectionHandle _handle;

    /// <summary>Creates a check of <paramref name="handle"/>.</summary>
    public EbpfCollectionHealthCheck(EbpfCollectionHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _handle = handle;
    }

    /// <summary>A check of the collection registered as <paramref name="name"/> in <paramref name="services"/>.</summary>
    public static EbpfCollectionHealthCheck For(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new EbpfCollectionHealthCheck(Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions
            .GetRequiredKeyedService<EbpfCollectionHandle>(services, name));
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    /// <summary>The check's result now.</summary>
    public HealthCheckResult Check()
    {
        var data = new Dictionary<string, object> { ["collection"] = _handle.Name, ["state"] = _handle.State.ToString() };
        switch (_handle.State)
        {
            case EbpfCollectionState.Failed:
                return HealthCheckResult.Unhealthy($"eBPF collection {_handle.Name} failed to load: {_handle.Failure?.Message}", _handle.Failure, data);
            case EbpfCollectionState.NotLoaded:
            case EbpfCollectionState.Stopped:
                return HealthCheckResult.Degraded($"eBPF collection {_handle.Name} is {_handle.State}", null, data);
        }

        var links = _handle.Links;
        data["links"] = links.Count;
        for (int i = 0; i < links.Count; i++)
        {
            if (Detached(links[i]) is { } reason)
            {
                return HealthCheckResult.Unhealthy($"eBPF collection {_handle.Name}: link {i} ({links[i]}) is not attached: {reason}", null, data);
            }
        }

        return HealthCheckResult.Healthy($"eBPF collection {_handle.Name}: loaded, {links.Count} links attached", data);
    }

    // Null when the link looks attached, else why not.
    private static string? Detached(ILink link)
    {
        if (link is Link { IsDisposed: true })
        {
            return "closed";
        }

        if (link is StructOpsAttachment { Map.IsStructOpsRegistered: false })
        {
            return "struct_ops map unregistered";
        }

        try
        {
            var info = link.Info();
            if (info.Type == BpfLinkType.StructOps)
            {
                return info.MapId is null or 0 ? "no struct_ops map" : null; // a struct_ops link has a map, not a program
            }

            if (info.ProgramId == 0)
            {
                return "no program";
            }

            // BPF_LINK_DETACH (or the target going away) leaves the link open but clears its target.
            return info.IfIndex == 0 || info.CgroupId == 0 || info.NetnsInode == 0 ? "detached from its target" : null;
        }
        catch (Ebpf.Kernel.EbpfNotSupportedException)
        {
            return null; // an attachment without a bpf_link (legacy perf event, PROG_ATTACH): nothing to ask
        }
        catch (Exception e) when (e is Ebpf.Kernel.EbpfException or ObjectDisposedException)
        {
            return e.Message;
        }
    }
}
