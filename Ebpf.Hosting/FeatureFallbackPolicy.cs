namespace Ebpf.Hosting;

/// <summary>How loads react when the kernel lacks an optional feature.</summary>
public enum FeatureFallbackPolicy
{
    /// <summary>Fall back where the feature is a debug aid (object names, BTF, func/line info) and log a warning.</summary>
    Fallback,

    /// <summary>Fail with <c>EbpfNotSupportedException</c> instead of falling back.</summary>
    Strict,
}
