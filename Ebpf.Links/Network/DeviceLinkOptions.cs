namespace Ebpf.Links;

/// <summary>Where a TCX or netkit program goes among a device's programs, and the list revision it expects.</summary>
public sealed record DeviceLinkOptions
{
    /// <summary>The position in the device's program list; null for <see cref="LinkAnchor.Last"/>.</summary>
    public LinkAnchor? Anchor { get; init; }

    /// <summary>Fail with ESTALE unless the device's program list has this revision; 0 for any.</summary>
    public ulong ExpectedRevision { get; init; }
}
