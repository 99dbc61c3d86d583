using System.Runtime.CompilerServices;
using Ebpf.Hosting;
using Microsoft.Extensions.Options;
using WebAgent.Options;
using WebAgent.Tracing;

namespace WebAgent.Live;

/// <summary>Makes the live page's snapshots: one now, then one a second until the client leaves or the host stops.</summary>
internal sealed class LiveFeed(RecentEvents recent, SyscallLatency latency, [FromKeyedServices(AgentCollection.Name)] EbpfCollectionHandle handle,
    IOptions<AgentOptions> options, IHostApplicationLifetime lifetime)
{
    private readonly string _tracing = Describe(options.Value);

    public async IAsyncEnumerable<LiveSnapshot> Snapshots([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            yield return Snapshot();
        }
        while (await NextSecond(timer, stop.Token));
    }

    public LiveSnapshot Snapshot()
    {
        var (rows, total) = recent.Snapshot();
        var histogram = latency.Read();
        return new LiveSnapshot(DateTimeOffset.UtcNow, handle.State.ToString(), _tracing, rows, total, histogram?.Total ?? 0, HistogramSvg.Render(histogram));
    }

    private static async Task<bool> NextSecond(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string Describe(AgentOptions options) =>
        $"probes {options.Probes}; pid {(options.Pid == 0 ? "any" : options.Pid)}; cgroup {(options.CgroupId == 0 ? "any" : options.CgroupId)}; " +
        $"ring buffer {options.RingBufferSize / 1024} KiB";
}
