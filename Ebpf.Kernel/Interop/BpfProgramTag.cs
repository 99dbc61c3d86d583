using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The 8-byte tag (truncated SHA-1 of the instructions) the kernel computes for a program (<c>BPF_TAG_SIZE</c>).</summary>
[InlineArray(Length)]
public struct BpfProgramTag
{
    /// <summary>Size in bytes.</summary>
    public const int Length = 8;

    private byte _first;

    /// <summary>The tag as 16 lowercase hex digits, as bpftool prints it.</summary>
    public override readonly string ToString() =>
        Convert.ToHexStringLower(MemoryMarshal.CreateReadOnlySpan(in _first, Length));
}
