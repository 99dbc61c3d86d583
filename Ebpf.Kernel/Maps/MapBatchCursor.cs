namespace Ebpf.Kernel;

/// <summary>
/// Where a <see cref="Map.LookupBatch(ref MapBatchCursor, Span{byte}, Span{byte})"/> walk stands: the kernel's
/// opaque position between calls. Start with <c>default</c>, pass it by <c>ref</c> to each call, and stop when
/// <see cref="IsDone"/>. A cursor belongs to one map and one walk.
/// </summary>
public struct MapBatchCursor
{
    private ulong _position;
    private byte[]? _large;

    /// <summary>Whether the walk has reached the end of the map.</summary>
    public bool IsDone { readonly get; internal set; }

    /// <summary>Whether a call has already stored a position.</summary>
    internal bool Started { readonly get; set; }

    /// <summary>The position buffer: 8 bytes in place, or an array when the map's keys are larger.</summary>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    internal Span<byte> Position(uint keySize)
    {
        if (keySize <= sizeof(ulong))
        {
            return System.Runtime.InteropServices.MemoryMarshal.AsBytes(new Span<ulong>(ref _position));
        }

        return _large ??= new byte[keySize];
    }
}
