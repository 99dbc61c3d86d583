using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_MAP_FREEZE</c> variant of <c>union bpf_attr</c>: only <c>map_fd</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 4)]
public struct MapFreezeAttr
{
    /// <summary><c>map_fd</c>.</summary>
    [FieldOffset(0)] public uint MapFd;
}
