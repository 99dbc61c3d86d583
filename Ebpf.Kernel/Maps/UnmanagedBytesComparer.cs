using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>Compares <c>unmanaged</c> values by their bytes, as the kernel compares keys.</summary>
internal sealed class UnmanagedBytesComparer<T> : IEqualityComparer<T>
    where T : unmanaged
{
    /// <summary>The shared instance.</summary>
    public static UnmanagedBytesComparer<T> Instance { get; } = new();

    /// <inheritdoc />
    public bool Equals(T x, T y) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in x)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in y)));

    /// <inheritdoc />
    public int GetHashCode(T obj)
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in obj)));
        return hash.ToHashCode();
    }
}
