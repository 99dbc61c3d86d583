using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary><c>struct rlimit</c>: a soft and a hard resource limit.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ResourceLimit
{
    /// <summary><c>RLIM_INFINITY</c>: no limit.</summary>
    public const ulong Infinity = ulong.MaxValue;

    /// <summary><c>rlim_cur</c>: the soft limit the kernel enforces.</summary>
    public ulong Current;

    /// <summary><c>rlim_max</c>: the ceiling for <see cref="Current"/>.</summary>
    public ulong Maximum;

    /// <summary>Creates a limit.</summary>
    public ResourceLimit(ulong current, ulong maximum)
    {
        Current = current;
        Maximum = maximum;
    }
}
