namespace Ebpf.Hosting;

/// <summary>Where an <see cref="EbpfCollectionHandle"/> is in the host's lifetime.</summary>
public enum EbpfCollectionState
{
    /// <summary>The host has not started the collection yet.</summary>
    NotLoaded,

    /// <summary>Loaded and attached.</summary>
    Loaded,

    /// <summary>The load or an attachment failed (<see cref="EbpfCollectionHandle.Failure"/>).</summary>
    Failed,

    /// <summary>The host stopped: links closed, collection disposed.</summary>
    Stopped,
}
