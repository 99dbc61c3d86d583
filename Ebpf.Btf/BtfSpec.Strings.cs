using System.Text;

namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    /// <summary>The NUL-terminated string at an offset of the string table (a base's strings come first).</summary>
    /// <param name="offset">The string offset, as found in <c>name_off</c> fields.</param>
    /// <returns>The string, decoded as UTF-8.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is past the string table.</exception>
    public string GetString(uint offset)
    {
        if (!TryGetString(offset, out var value))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "past the end of the BTF string table");
        }

        return value;
    }

    /// <summary>The UTF-8 bytes of the NUL-terminated string at an offset of the string table, without copying.</summary>
    /// <param name="offset">The string offset, as found in <c>name_off</c> fields.</param>
    /// <returns>The bytes before the NUL; empty for offset 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is past the string table.</exception>
    public ReadOnlySpan<byte> GetStringUtf8(uint offset)
    {
        var spec = this;
        while (offset < spec.StringOffsetBase && spec.Base is not null)
        {
            spec = spec.Base;
        }

        uint local = offset - spec.StringOffsetBase;
        if (local >= (uint)spec._stringLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "past the end of the BTF string table");
        }

        var rest = spec._raw.Span.Slice(spec._stringStart + (int)local, spec._stringLength - (int)local);
        int nul = rest.IndexOf((byte)0);
        return nul < 0 ? rest : rest[..nul];
    }

    /// <summary>The NUL-terminated string at an offset of the string table, if the offset is in range.</summary>
    /// <param name="offset">The string offset.</param>
    /// <param name="value">The string, or an empty string when out of range.</param>
    /// <returns>Whether the offset is inside the string table.</returns>
    public bool TryGetString(uint offset, out string value)
    {
        var spec = this;
        while (offset < spec.StringOffsetBase && spec.Base is not null)
        {
            spec = spec.Base;
        }

        uint local = offset - spec.StringOffsetBase;
        if (local >= (uint)spec._stringLength)
        {
            value = "";
            return false;
        }

        var rest = spec._raw.Span.Slice(spec._stringStart + (int)local, spec._stringLength - (int)local);
        int nul = rest.IndexOf((byte)0);
        value = nul <= 0 ? "" : Encoding.UTF8.GetString(rest[..nul]);
        return true;
    }
}
