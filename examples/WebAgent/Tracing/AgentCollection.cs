using Ebpf.Hosting;
using Ebpf.Specs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WebAgent.Options;

namespace WebAgent.Tracing;

/// <summary>Registers webagent.bpf.c as a hosted collection, its ring buffer consumer and its health check.</summary>
internal static class AgentCollection
{
    /// <summary>The collection's name in the host (and in the <c>Ebpf</c> meter's tags).</summary>
    public const string Name = "webagent";

    public static IServiceCollection AddAgentCollection(this IServiceCollection services)
    {
        // WebagentObjects is generated from webagent.bpf.c at build time (<BpfProgram> in WebAgent.csproj). The spec is
        // made at host start, after the options were validated; AttachAll attaches the programs left to load.
        services.AddEbpfCollection(Name, WebagentObjects.FromCollection, b => b
            .FromSpec(provider => Spec(provider.GetRequiredService<IOptions<AgentOptions>>().Value))
            .AttachAll());
        services.AddEbpfRingBufferConsumer<ProcessEventHandler>(Name, "events");
        services.AddSingleton<SyscallLatency>();
        services.AddHealthChecks().Add(new HealthCheckRegistration("ebpf", provider => EbpfCollectionHealthCheck.For(provider, Name), null, null));
        return services;
    }

    /// <summary>The object with the options applied: filters, ring buffer size, and only the chosen probes loaded.</summary>
    public static CollectionSpec Spec(AgentOptions options)
    {
        var spec = WebagentObjects.LoadSpec();
        var variables = new WebagentObjects.Variables(spec)
        {
            TargetTgid = (uint)options.Pid,
            TargetCgroup = options.CgroupId,
        };
        spec.Maps["events"] = spec.Maps["events"] with { MaxEntries = (uint)options.RingBufferSize };
        Load(spec, "process_exec", options.Probes.HasFlag(AgentProbes.Exec));
        Load(spec, "process_exit", options.Probes.HasFlag(AgentProbes.Exit));
        Load(spec, "syscall_enter", options.Probes.HasFlag(AgentProbes.SyscallLatency));
        Load(spec, "syscall_exit", options.Probes.HasFlag(AgentProbes.SyscallLatency));
        return spec;
    }

    private static void Load(CollectionSpec spec, string program, bool load) =>
        spec.Programs[program] = spec.Programs[program] with { Autoload = load };
}
