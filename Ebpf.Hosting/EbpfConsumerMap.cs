using Ebpf.Kernel;
using Microsoft.Extensions.Logging;

namespace Ebpf.Hosting;

/// <summary>What every hosted consumer does first: wait for its collection to load, then find the map it reads.</summary>
internal static partial class EbpfConsumerMap
{
    /// <summary>The map, or null when the collection did not load (logged) or the host stopped first.</summary>
    /// <exception cref="InvalidOperationException">The loaded collection has no such map.</exception>
    public static async Task<Map?> WaitAsync(EbpfCollectionHandle collection, string map, ILogger logger, CancellationToken stoppingToken)
    {
        Collection loaded;
        try
        {
            loaded = await collection.WhenLoaded.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogNotLoaded(logger, collection.Name, map);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        return loaded.Maps.TryGetValue(map, out var found)
            ? found
            : throw new InvalidOperationException($"collection {collection.Name} has no map {map}");
    }

    [LoggerMessage(2, LogLevel.Warning, "eBPF collection {Name} did not load: not reading map {Map}")]
    private static partial void LogNotLoaded(ILogger logger, string name, string map);
}
