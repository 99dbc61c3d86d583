namespace Ebpf.Hosting;

/// <summary>What the host does about <c>RLIMIT_MEMLOCK</c>, which kernels before 5.11 charge maps and programs against.</summary>
public enum MemlockPolicy
{
    /// <summary>Lift the limit to infinity only on kernels before 5.11 (later kernels account BPF memory to the cgroup).</summary>
    RaiseWhenNeeded,

    /// <summary>Always lift the limit to infinity.</summary>
    Remove,

    /// <summary>
    /// The host does not touch the limit. Creating the first map or program still raises it on kernels that charge it
    /// unless <c>MemlockLimit.RaiseAutomatically</c> is false.
    /// </summary>
    Leave,
}
