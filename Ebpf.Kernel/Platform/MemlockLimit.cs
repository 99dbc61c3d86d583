using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The process's <c>RLIMIT_MEMLOCK</c>, against which kernels before Linux 5.11 charge maps and programs (later kernels
/// charge the memory cgroup instead). On those kernels the first map, program or BTF object the process creates raises
/// it to unlimited first (<see cref="RaiseAutomatically"/>), as libbpf 1.0 does. Hosted applications choose with
/// <c>EbpfOptions.Memlock</c>.
/// </summary>
public static class MemlockLimit
{
    private static volatile bool _raiseAutomatically = true;

    /// <summary>
    /// Whether creating the process's first map, program or BTF object raises <c>RLIMIT_MEMLOCK</c> to unlimited on a
    /// kernel that charges it (found by probing, as libbpf does); true by default. Set false before creating any, to
    /// leave the limit as it is (libbpf's <c>libbpf_set_memlock_rlim(0)</c>).
    /// </summary>
    public static bool RaiseAutomatically
    {
        get => _raiseAutomatically;
        set => _raiseAutomatically = value;
    }

    /// <summary>
    /// Raises <c>RLIMIT_MEMLOCK</c> to unlimited when it is not already, as libbpf's <c>libbpf_set_memlock_rlim</c> and
    /// cilium/ebpf's <c>rlimit.RemoveMemlock</c> do; returns the previous soft limit (<see cref="ulong.MaxValue"/> when
    /// it was unlimited). Needs CAP_SYS_RESOURCE to raise the hard limit.
    /// </summary>
    /// <exception cref="EbpfPermissionException">The process may not raise the limit.</exception>
    public static ulong Remove() => Remove(LinuxBpfSyscalls.Instance);

    internal static ulong Remove(ISystemCalls system)
    {
        var current = system.GetMemlockLimit();
        if (current.Current != ResourceLimit.Infinity)
            system.SetMemlockLimit(new ResourceLimit(ResourceLimit.Infinity, ResourceLimit.Infinity));
        return current.Current;
    }
}
