namespace Ebpf.Tests.RealWorld;

/// <summary>How loading one object went with libbpf and with us.</summary>
/// <param name="LibbpfPrograms">The programs libbpf loaded with their final instructions; null when it failed.</param>
/// <param name="LibbpfError">libbpf's warnings when it failed.</param>
/// <param name="OurPrograms">The programs we loaded; null when we failed.</param>
/// <param name="OurError">Our exception when we failed.</param>
public sealed record LoadOutcome(IReadOnlyDictionary<string, byte[]>? LibbpfPrograms, string LibbpfError, IReadOnlyList<string>? OurPrograms, string OurError)
{
    /// <summary>Whether libbpf loaded the object.</summary>
    public bool LibbpfLoaded => LibbpfPrograms is not null;

    /// <summary>Whether we loaded the object.</summary>
    public bool WeLoaded => OurPrograms is not null;
}
