namespace Ebpf.Btf.Marshaling;

/// <summary>
/// Builds raw BTF, as libbpf's <c>btf__add_*</c> and cilium/ebpf's <c>btf.Builder</c> do: types are added
/// one by one (<see cref="Add(BtfType)"/>, <see cref="AddInt"/>, ...) or copied from a parsed
/// <see cref="BtfSpec"/> with everything they refer to (<see cref="Add(BtfSpec, uint)"/>), or a whole spec
/// is copied keeping its order and ids (<see cref="AddAll"/>); <see cref="Marshal"/> writes the blob.
/// </summary>
/// <remarks>
/// <para>Deduplication: every string is stored once; a type whose record (kind, name, sizes, flags and the
/// ids it refers to) equals one already added gets that type's id instead of a new one. Types copied from a
/// spec are also remembered by (spec object, id), so copying the same type twice yields one, and a cycle
/// (a struct reached again through a pointer to itself) is closed by reserving the struct's id when the cycle
/// is found. Before a struct or union is copied, the builder's structs and unions of the same name, size and
/// member count are compared with it over their whole type graphs, cycles included (a pair being compared
/// is assumed equal, as in libbpf's <c>btf__dedup</c>); an equal one is used instead. So the same cyclic
/// struct copied from two specs is stored once. Types added with <see cref="Add(BtfType)"/> are matched by
/// their record only; <c>Fwd</c> declarations are not resolved to the structs they declare.</para>
/// <para>Over a base spec the builder writes split BTF: ids continue after the base's last id, string
/// offsets after the base's strings, and the base's types and strings are referred to, not copied.</para>
/// <para>Not thread safe.</para>
/// </remarks>
public sealed partial class BtfBuilder
{
    /// <summary>The largest type id the format allows (<c>BTF_MAX_TYPE</c>).</summary>
    public const uint MaxTypeId = 0x000fffff;

    /// <summary>The most members, values, parameters or variables one record can hold (<c>BTF_MAX_VLEN</c>).</summary>
    public const int MaxVlen = 0xffff;

    private readonly List<uint[]?> _records = new();
    private readonly Dictionary<uint[], uint> _known = new(BtfRecordComparer.Instance);
    private readonly BtfStringTableBuilder _strings;

    /// <summary>Starts an empty builder.</summary>
    /// <param name="baseSpec">The base BTF to write split BTF over, or null for standalone BTF.</param>
    public BtfBuilder(BtfSpec? baseSpec = null)
    {
        Base = baseSpec;
        FirstTypeId = baseSpec is null ? 1 : baseSpec.LastTypeId + 1;
        _strings = new BtfStringTableBuilder(baseSpec);
    }

    /// <summary>The base of the split BTF being built, or null.</summary>
    public BtfSpec? Base { get; }

    /// <summary>The id the first added type gets: 1, or one past the base's last id.</summary>
    public uint FirstTypeId { get; }

    /// <summary>Number of types added (after deduplication).</summary>
    public int TypeCount => _records.Count;

    /// <summary>The id the next new type will get.</summary>
    public uint NextTypeId => FirstTypeId + (uint)_records.Count;

    /// <summary>Adds a string to the string table, once.</summary>
    /// <param name="value">The string; an empty one is offset 0.</param>
    /// <returns>Its offset, as <c>name_off</c> fields hold it.</returns>
    /// <exception cref="BtfBuilderException">The string holds a NUL or the table is past the format's limit.</exception>
    public uint AddString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return _strings.Add(value);
    }

    /// <summary>
    /// Adds a type whose references (<see cref="BtfPointer.TypeId"/>, member types, ...) are ids of this
    /// builder or of its base; its own <see cref="BtfType.Id"/> is ignored. References may point at ids not
    /// added yet (to build cycles); <see cref="Marshal"/> checks they exist by then.
    /// </summary>
    /// <param name="type">The type; any kind but <c>void</c>.</param>
    /// <returns>The new id, or the id of an identical type added before.</returns>
    /// <exception cref="BtfBuilderException">A field does not fit the format.</exception>
    public uint Add(BtfType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Intern(Encode(type));
    }

    /// <summary>Stores a record, or finds the identical one stored before.</summary>
    private uint Intern(uint[] record)
    {
        if (_known.TryGetValue(record, out uint id))
        {
            return id;
        }

        id = Append(record);
        Remember(record, id);
        return id;
    }

    /// <summary>Stores a record (or reserves a slot, for null) under the next id, without deduplication.</summary>
    private uint Append(uint[]? record)
    {
        uint id = NextTypeId;
        if (id > MaxTypeId)
        {
            throw new BtfBuilderException($"too many types: id {id} is past the format's limit 0x{MaxTypeId:x}");
        }

        _records.Add(record);
        return id;
    }

    private string ResolveString(uint offset)
    {
        if (offset == 0)
        {
            return "";
        }

        if (offset < _strings.OffsetBase)
        {
            return Base!.GetString(offset);
        }

        var rest = _strings.Bytes[(int)(offset - _strings.OffsetBase)..];
        return System.Text.Encoding.UTF8.GetString(rest[..rest.IndexOf((byte)0)]);
    }
}
