using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_MAP_*_ELEM</c> and <c>BPF_MAP_GET_NEXT_KEY</c> variant of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
public struct MapElemAttr
{
    /// <summary><c>map_fd</c>.</summary>
    [FieldOffset(0)] public uint MapFd;
    /// <summary><c>key</c>: address of the key (0 for none).</summary>
    [FieldOffset(8)] public ulong Key;
    /// <summary><c>value</c>: address of the value buffer.</summary>
    [FieldOffset(16)] public ulong Value;
    /// <summary><c>next_key</c>: address of the buffer that receives the next key (same slot as <see cref="Value"/>).</summary>
    [FieldOffset(16)] public ulong NextKey;
    /// <summary><c>flags</c>.</summary>
    [FieldOffset(24)] public BpfElemFlags Flags;
}
