using System.Text;

namespace Ebpf.Elf;

/// <summary>
/// A string table (<c>SHT_STRTAB</c>): NUL-terminated UTF-8 strings addressed by byte offset.
/// Offset 0 of an empty table is the empty string.
/// </summary>
public readonly struct ElfStringTable
{
    /// <summary>Wraps the contents of a string table section.</summary>
    /// <param name="data">The section contents.</param>
    /// <param name="fileOffset">File offset of <paramref name="data"/>, used in error reports.</param>
    public ElfStringTable(ReadOnlyMemory<byte> data, long fileOffset = 0)
    {
        Data = data;
        FileOffset = fileOffset;
    }

    /// <summary>The table's bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>File offset of the table, used in error reports.</summary>
    public long FileOffset { get; }

    /// <summary>Size of the table in bytes.</summary>
    public int Size => Data.Length;

    /// <summary>The UTF-8 bytes of the string at <paramref name="offset"/>, without its NUL.</summary>
    /// <exception cref="ElfFormatException">The offset is outside the table or the string is not NUL-terminated.</exception>
    public ReadOnlySpan<byte> GetUtf8(uint offset)
    {
        var status = TryGet(offset, out var value);
        return status switch
        {
            0 => value,
            1 => throw new ElfFormatException($"string offset {offset} is outside the {Size}-byte string table", FileOffset),
            _ => throw new ElfFormatException($"string at offset {offset} is not NUL-terminated within the {Size}-byte string table", FileOffset + offset),
        };
    }

    /// <summary>Gets the UTF-8 bytes of the string at <paramref name="offset"/>, or returns false when it is not a valid string.</summary>
    public bool TryGetUtf8(uint offset, out ReadOnlySpan<byte> value) => TryGet(offset, out value) == 0;

    /// <summary>The string at <paramref name="offset"/>, decoded from UTF-8 (allocates).</summary>
    /// <exception cref="ElfFormatException">The offset is outside the table or the string is not NUL-terminated.</exception>
    public string GetString(uint offset)
    {
        var utf8 = GetUtf8(offset);
        return utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);
    }

    /// <summary>
    /// True when the string at <paramref name="offset"/> is valid and equals <paramref name="utf8"/>; does not allocate,
    /// and reads no further than <paramref name="utf8"/>'s length plus the terminating NUL.
    /// </summary>
    public bool Matches(uint offset, ReadOnlySpan<byte> utf8)
    {
        var span = Data.Span;
        if (span.IsEmpty)
        {
            return offset == 0 && utf8.IsEmpty;
        }

        if ((ulong)offset + (ulong)utf8.Length >= (ulong)span.Length || utf8.Contains((byte)0))
        {
            return false; // no room for the string and its NUL, or not a C string
        }

        var start = (int)offset;
        return span[start + utf8.Length] == 0 && span.Slice(start, utf8.Length).SequenceEqual(utf8);
    }

    /// <summary>
    /// True when <paramref name="offset"/> addresses the table: below <see cref="Size"/>, or 0 of an empty table.
    /// For a table that <see cref="IsTerminated"/>, this means a valid string starts there.
    /// </summary>
    public bool ContainsOffset(uint offset) => offset < (uint)Size || offset == 0;

    /// <summary>True when every offset inside the table starts a NUL-terminated string (the table is empty or its last byte is NUL).</summary>
    public bool IsTerminated => Data.IsEmpty || Data.Span[^1] == 0;

    private int TryGet(uint offset, out ReadOnlySpan<byte> value)
    {
        value = default;
        var span = Data.Span;
        if (offset >= (uint)span.Length)
        {
            return offset == 0 ? 0 : 1;
        }

        var rest = span[(int)offset..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            return 2;
        }

        value = rest[..end];
        return 0;
    }
}
