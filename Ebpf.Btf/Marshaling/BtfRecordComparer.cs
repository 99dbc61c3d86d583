namespace Ebpf.Btf.Marshaling;

/// <summary>Compares raw BTF records word by word, so identical types share one id.</summary>
internal sealed class BtfRecordComparer : IEqualityComparer<uint[]>
{
    /// <summary>The one instance.</summary>
    internal static BtfRecordComparer Instance { get; } = new();

    /// <inheritdoc />
    public bool Equals(uint[]? x, uint[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    /// <inheritdoc />
    public int GetHashCode(uint[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
        return hash.ToHashCode();
    }
}
