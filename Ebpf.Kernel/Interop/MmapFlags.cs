namespace Ebpf.Kernel.Interop;

/// <summary>Flags of <c>mmap(2)</c> (<c>MAP_*</c>, generic Linux values).</summary>
[Flags]
internal enum MmapFlags
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary><c>MAP_SHARED</c>: the mapping of a BPF map, ring buffer or perf buffer.</summary>
    Shared = 0x01,
    /// <summary><c>MAP_PRIVATE</c>.</summary>
    Private = 0x02,
    /// <summary><c>MAP_FIXED</c>.</summary>
    Fixed = 0x10,
    /// <summary><c>MAP_ANONYMOUS</c>.</summary>
    Anonymous = 0x20,
}
