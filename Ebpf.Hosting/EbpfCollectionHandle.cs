using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Hosting;

/// <summary>
/// A collection the host loads at start, registered as a keyed singleton under its name
/// (<c>[FromKeyedServices("name")] EbpfCollectionHandle</c>). <see cref="Collection"/> is available once the host started.
/// </summary>
public sealed class EbpfCollectionHandle
{
    private readonly TaskCompletionSource<Collection> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Collection? _collection;
    private IReadOnlyList<ILink> _links = [];

    /// <summary>Creates the handle of collection <paramref name="name"/>.</summary>
    public EbpfCollectionHandle(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The collection's name.</summary>
    public string Name { get; }

    /// <summary>The state: not loaded yet, loaded, failed, or stopped.</summary>
    public EbpfCollectionState State { get; private set; }

    /// <summary>Why the load or an attachment failed, else null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The loaded collection.</summary>
    /// <exception cref="InvalidOperationException">The collection is not loaded (the host has not started, the load failed, or the host stopped).</exception>
    public Collection Collection => State == EbpfCollectionState.Loaded && _collection is not null
        ? _collection
        : throw new InvalidOperationException($"collection {Name} is {State}" + (Failure is null ? string.Empty : $": {Failure.Message}"));

    /// <summary>The links the attach callbacks made, in attach order; empty until loaded and after stop.</summary>
    public IReadOnlyList<ILink> Links => _links;

    /// <summary>The largest event declared for <paramref name="map"/> with <see cref="EbpfCollectionBuilder.DeclareEventSize"/>, else null.</summary>
    internal int? DeclaredEventSize(string map) => EventSizes.TryGetValue(map, out int size) ? size : null;

    /// <summary>The sizes declared with <see cref="EbpfCollectionBuilder.DeclareEventSize"/>, by map.</summary>
    internal IReadOnlyDictionary<string, int> EventSizes { get; set; } = new Dictionary<string, int>();

    /// <summary>Completes with the collection once loaded and attached; faults when that fails, is cancelled when the host stops first.</summary>
    public Task<Collection> WhenLoaded => _loaded.Task;

    internal void SetLoaded(Collection collection, IReadOnlyList<ILink> links)
    {
        _collection = collection;
        _links = links;
        State = EbpfCollectionState.Loaded;
        _loaded.TrySetResult(collection);
    }

    internal void SetFailed(Exception failure)
    {
        Failure = failure;
        State = EbpfCollectionState.Failed;
        _loaded.TrySetException(failure);
    }

    internal void SetStopped()
    {
        _collection = null;
        _links = [];
        if (State != EbpfCollectionState.Failed)
        {
            State = EbpfCollectionState.Stopped;
        }

        _loaded.TrySetCanceled();
    }
}
