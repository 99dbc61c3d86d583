using System.Buffers.Binary;

namespace Ebpf.Btf;

/// <summary>
/// A forward-only reader over the type records a <see cref="BtfSpec"/> defines (not its base's), exposing each
/// record's kind and UTF-8 name in place: no type objects, no strings, no allocation. Get one from
/// <see cref="BtfSpec.GetTypeReader"/> and call <see cref="Read"/> until it returns false.
/// </summary>
/// <example><code>
/// var reader = spec.GetTypeReader();
/// while (reader.Read())
/// {
///     if (reader.Kind == BtfKind.Struct &amp;&amp; reader.NameUtf8.SequenceEqual("task_struct"u8)) { ... }
/// }
/// </code></example>
public ref struct BtfTypeReader
{
    private readonly BtfSpec _spec;
    private readonly ReadOnlySpan<byte> _raw;
    private readonly ReadOnlySpan<int> _offsets;
    private readonly ReadOnlySpan<byte> _strings;
    private readonly uint _stringBase;
    private readonly bool _bigEndian;
    private int _index;
    private int _offset;

    internal BtfTypeReader(BtfSpec spec, ReadOnlySpan<byte> raw, ReadOnlySpan<int> offsets, ReadOnlySpan<byte> strings, uint stringBase, bool bigEndian)
    {
        _spec = spec;
        _raw = raw;
        _offsets = offsets;
        _strings = strings;
        _stringBase = stringBase;
        _bigEndian = bigEndian;
        _index = -1;
        _offset = -1;
    }

    /// <summary>The id of the current type.</summary>
    public readonly uint Id => _spec.FirstTypeId + (uint)_index;

    /// <summary>The current type's kind.</summary>
    public readonly BtfKind Kind => (BtfKind)((Info >> 24) & 0x1f);

    /// <summary>The current type's <c>vlen</c>: members, parameters, enumerators or variables that follow the record.</summary>
    public readonly int Vlen => (int)(Info & 0xffff);

    /// <summary>The current type's <c>kind_flag</c>.</summary>
    public readonly bool KindFlag => (Info >> 31) != 0;

    /// <summary>The <c>size</c>/<c>type</c> word of the current record.</summary>
    public readonly uint SizeOrType => Word(8);

    /// <summary>The current type's name as UTF-8 bytes (empty when anonymous), read from the string table in place.</summary>
    public readonly ReadOnlySpan<byte> NameUtf8
    {
        get
        {
            uint nameOffset = Word(0);
            if (nameOffset == 0)
            {
                return default;
            }

            if (nameOffset < _stringBase)
            {
                return _spec.GetStringUtf8(nameOffset);
            }

            // Name offsets were checked when the blob was parsed, and the string section ends with a NUL.
            var rest = _strings[(int)(nameOffset - _stringBase)..];
            return rest[..rest.IndexOf((byte)0)];
        }
    }

    private readonly uint Info => Word(4);

    /// <summary>Moves to the next type record.</summary>
    /// <returns>False after the last one.</returns>
    public bool Read()
    {
        int next = _index + 1;
        if ((uint)next >= (uint)_offsets.Length)
        {
            _index = _offsets.Length;
            return false;
        }

        _index = next;
        _offset = _offsets[next];
        return true;
    }

    private readonly uint Word(int delta)
    {
        if (_offset < 0)
        {
            throw new InvalidOperationException("Read() has not returned true");
        }

        uint word = BinaryPrimitives.ReadUInt32LittleEndian(_raw[(_offset + delta)..]);
        return _bigEndian ? BinaryPrimitives.ReverseEndianness(word) : word;
    }
}
