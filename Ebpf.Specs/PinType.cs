namespace Ebpf.Specs;

/// <summary>How a map is pinned when its collection loads (the BTF map definition's <c>pinning</c> field).</summary>
public enum PinType
{
    /// <summary>Not pinned (<c>LIBBPF_PIN_NONE</c>).</summary>
    None = 0,

    /// <summary>Pinned by the map's name under the collection's pin path (<c>LIBBPF_PIN_BY_NAME</c>).</summary>
    ByName = 1,
}
