namespace Ebpf.Kernel;

/// <summary>
/// Fills libbpf's feature <c>.kconfig</c> externs (<c>LINUX_HAS_BPF_COOKIE</c>, <c>LINUX_HAS_SYSCALL_WRAPPER</c>) from
/// feature probes of the running kernel when a collection loads, into a copy of the spec.
/// </summary>
internal static class FeatureExterns
{
    /// <summary>The spec itself when it declares no feature extern; otherwise a copy with their values written.</summary>
    public static CollectionSpec Apply(CollectionSpec spec, Features features)
    {
        var names = KernelConfig.FeatureExterns(spec);
        if (names.Count == 0)
        {
            return spec;
        }

        var copy = spec.Copy();
        foreach (string name in names)
        {
            bool present = name == KernelConfig.HasBpfCookieExtern
                ? Features.IsSupported(features.HaveBpfCookie)
                : Features.IsSupported(features.HaveSyscallWrapper);
            KernelConfig.SetFeatureExtern(copy, name, present);
        }

        return copy;
    }
}
