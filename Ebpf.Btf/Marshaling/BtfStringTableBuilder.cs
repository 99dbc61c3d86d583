using System.Text;

namespace Ebpf.Btf.Marshaling;

/// <summary>
/// The string section being built: each distinct string is stored once. Over a base BTF, strings the base
/// already holds keep the base's offsets and new ones continue after the base's last string.
/// </summary>
internal sealed class BtfStringTableBuilder
{
    /// <summary>The largest string offset a record can hold (<c>BTF_MAX_NAME_OFFSET</c>).</summary>
    internal const uint MaxOffset = 0x00ffffff;

    private readonly Dictionary<string, uint> _offsets = new(StringComparer.Ordinal);
    private readonly List<string> _added = new();
    private readonly BtfSpec? _base;
    private Dictionary<string, uint>? _baseOffsets;
    private byte[] _bytes = new byte[4096];

    /// <summary>Starts an empty table (holding only the empty string unless <paramref name="baseSpec"/> is set).</summary>
    internal BtfStringTableBuilder(BtfSpec? baseSpec)
    {
        _base = baseSpec;
        if (baseSpec is null)
        {
            Length = 1;
            _offsets.Add("", 0);
        }
        else
        {
            OffsetBase = baseSpec.StringOffsetBase + baseSpec.Header.StringLength;
        }
    }

    /// <summary>The offset of this table's first byte (the base's total string size, or 0).</summary>
    internal uint OffsetBase { get; }

    /// <summary>Bytes in this table's own section.</summary>
    internal int Length { get; private set; }

    /// <summary>This table's own section.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, Length);

    /// <summary>The offset of a string, adding it when new.</summary>
    /// <exception cref="BtfBuilderException">The string holds a NUL or would end past the 24-bit offset limit
    /// (the kernel rejects string sections longer than <c>BTF_MAX_NAME_OFFSET</c> + 1).</exception>
    internal uint Add(string value)
    {
        if (value.Length == 0)
        {
            return 0;
        }

        if (TryFind(value, out uint offset))
        {
            return offset;
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new BtfBuilderException($"BTF name '{value.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character");
        }

        offset = OffsetBase + (uint)Length;
        int count = Encoding.UTF8.GetByteCount(value);
        if ((long)offset + count + 1 > MaxOffset + 1L)
        {
            throw new BtfBuilderException(
                $"name of {count} bytes too long for the string table: it would end at offset {(long)offset + count}, past the format's limit 0x{MaxOffset:x}");
        }

        if (Length + count + 1 > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + count + 1));
        }

        Encoding.UTF8.GetBytes(value, _bytes.AsSpan(Length));
        _bytes[Length + count] = 0;
        Length += count + 1;
        _offsets.Add(value, offset);
        _added.Add(value);
        return offset;
    }

    /// <summary>A point to <see cref="Rewind"/> to.</summary>
    internal (int Count, int Length) Mark() => (_added.Count, Length);

    /// <summary>Forgets the strings added since <paramref name="mark"/>.</summary>
    internal void Rewind((int Count, int Length) mark)
    {
        for (int i = mark.Count; i < _added.Count; i++)
        {
            _offsets.Remove(_added[i]);
        }

        _added.RemoveRange(mark.Count, _added.Count - mark.Count);
        Length = mark.Length;
    }

    /// <summary>The offset of a string already in this table or its base.</summary>
    internal bool TryFind(string value, out uint offset)
    {
        if (_offsets.TryGetValue(value, out offset))
        {
            return true;
        }

        if (_base is not null)
        {
            _baseOffsets ??= IndexBase(_base);
            return _baseOffsets.TryGetValue(value, out offset);
        }

        return false;
    }

    private static Dictionary<string, uint> IndexBase(BtfSpec spec)
    {
        var index = new Dictionary<string, uint>(StringComparer.Ordinal) { [""] = 0 };
        var chain = new List<BtfSpec>();
        for (var s = spec; s is not null; s = s.Base)
        {
            chain.Add(s);
        }

        // The root's strings first, so a string found in several layers keeps its lowest offset.
        chain.Reverse();
        foreach (var s in chain)
        {
            var bytes = s.OwnStringBytes;
            int start = 0;
            while (start < bytes.Length)
            {
                int nul = bytes[start..].IndexOf((byte)0);
                if (nul < 0)
                {
                    break;
                }

                if (nul > 0)
                {
                    index.TryAdd(Encoding.UTF8.GetString(bytes.Slice(start, nul)), s.StringOffsetBase + (uint)start);
                }

                start += nul + 1;
            }
        }

        return index;
    }
}
