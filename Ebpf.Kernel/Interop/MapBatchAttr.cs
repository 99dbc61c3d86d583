using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_MAP_*_BATCH</c> variant of <c>union bpf_attr</c> (<c>batch</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 56)]
public struct MapBatchAttr
{
    /// <summary><c>in_batch</c>: address of the opaque cursor to start from, 0 to start at the beginning.</summary>
    [FieldOffset(0)] public ulong InBatch;
    /// <summary><c>out_batch</c>: address of the buffer that receives the cursor to continue from.</summary>
    [FieldOffset(8)] public ulong OutBatch;
    /// <summary><c>keys</c>: address of the key array.</summary>
    [FieldOffset(16)] public ulong Keys;
    /// <summary><c>values</c>: address of the value array.</summary>
    [FieldOffset(24)] public ulong Values;
    /// <summary><c>count</c>: in, the number of elements the arrays hold; out, the number processed.</summary>
    [FieldOffset(32)] public uint Count;
    /// <summary><c>map_fd</c>.</summary>
    [FieldOffset(36)] public uint MapFd;
    /// <summary><c>elem_flags</c>.</summary>
    [FieldOffset(40)] public BpfElemFlags ElemFlags;
    /// <summary><c>flags</c>.</summary>
    [FieldOffset(48)] public ulong Flags;
}
