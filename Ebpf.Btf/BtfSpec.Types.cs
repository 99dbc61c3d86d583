namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    /// <summary>The type with an id, decoded on first use and cached.</summary>
    /// <param name="id">A type id from 0 (<c>void</c>) to <see cref="LastTypeId"/>.</param>
    public BtfType this[uint id] => GetTypeById(id);

    /// <summary>The type with an id, decoded on first use and cached; ids below <see cref="FirstTypeId"/> come from the base.</summary>
    /// <param name="id">A type id from 0 (<c>void</c>) to <see cref="LastTypeId"/>.</param>
    /// <returns>The decoded type.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is past <see cref="LastTypeId"/>.</exception>
    public BtfType GetTypeById(uint id)
    {
        CheckId(id);
        if (id == 0)
        {
            return BtfVoid.Instance;
        }

        var owner = Owner(id);
        var cache = LazyInitializer.EnsureInitialized(ref owner._cache, () => new BtfType?[owner._offsets.Length]);
        ref var slot = ref cache[id - owner.FirstTypeId];
        if (Volatile.Read(ref slot) is { } known)
        {
            return known;
        }

        // Two threads may decode the same record; the first to publish wins so every caller sees one object.
        var decoded = owner.Decode(id);
        return Interlocked.CompareExchange(ref slot, decoded, null) ?? decoded;
    }

    /// <summary>The type with an id, if the id is in range.</summary>
    /// <param name="id">A type id.</param>
    /// <param name="type">The decoded type, or null.</param>
    /// <returns>Whether <paramref name="id"/> names a type.</returns>
    public bool TryGetTypeById(uint id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BtfType? type)
    {
        type = id <= LastTypeId ? GetTypeById(id) : null;
        return type is not null;
    }

    /// <summary>This blob's own types in id order (a split BTF's, not its base's).</summary>
    public IEnumerable<BtfType> Types
    {
        get
        {
            for (uint id = FirstTypeId; id - FirstTypeId < (uint)_offsets.Length; id++)
            {
                yield return GetTypeById(id);
            }
        }
    }

    /// <summary>Every type from id 1 to <see cref="LastTypeId"/>, the base's first.</summary>
    public IEnumerable<BtfType> AllTypes
    {
        get
        {
            for (uint id = 1; id <= LastTypeId; id++)
            {
                yield return GetTypeById(id);
            }
        }
    }

    private string Name(uint nameOffset) => nameOffset == 0 ? "" : GetString(nameOffset);

    private BtfType Decode(uint id)
    {
        var r = new BtfRecord(this, RecordOffset(id));
        string name = Name(r.NameOffset);
        int vlen = r.Vlen;
        switch (r.Kind)
        {
            case BtfKind.Int:
            {
                uint v = r.Word(0);
                return new BtfInt(id, name, r.SizeOrType, (BtfIntEncoding)((v >> 24) & 0x0f), (byte)(v >> 16), (byte)v);
            }

            case BtfKind.Pointer:
                return new BtfPointer(id, name, r.SizeOrType);
            case BtfKind.Typedef:
                return new BtfTypedef(id, name, r.SizeOrType);
            case BtfKind.Volatile:
                return new BtfVolatile(id, name, r.SizeOrType);
            case BtfKind.Const:
                return new BtfConst(id, name, r.SizeOrType);
            case BtfKind.Restrict:
                return new BtfRestrict(id, name, r.SizeOrType);
            case BtfKind.TypeTag:
                return new BtfTypeTag(id, name, r.SizeOrType);
            case BtfKind.Array:
                return new BtfArray(id, name, r.Word(0), r.Word(1), r.Word(2));
            case BtfKind.Struct or BtfKind.Union:
            {
                var members = new BtfMember[vlen];
                bool bitfields = r.KindFlag;
                for (int i = 0; i < vlen; i++)
                {
                    uint offset = r.Word((3 * i) + 2);
                    members[i] = bitfields
                        ? new BtfMember(Name(r.Word(3 * i)), r.Word((3 * i) + 1), offset & 0xffffff, offset >> 24)
                        : new BtfMember(Name(r.Word(3 * i)), r.Word((3 * i) + 1), offset, 0);
                }

                return r.Kind == BtfKind.Struct
                    ? new BtfStruct(id, name, r.SizeOrType, bitfields, members)
                    : new BtfUnion(id, name, r.SizeOrType, bitfields, members);
            }

            case BtfKind.Enum:
            {
                var values = new BtfEnumValue[vlen];
                bool signed = r.KindFlag;
                for (int i = 0; i < vlen; i++)
                {
                    uint raw = r.Word((2 * i) + 1);
                    values[i] = new BtfEnumValue(Name(r.Word(2 * i)), signed ? unchecked((int)raw) : raw);
                }

                return new BtfEnum(id, name, r.SizeOrType, signed, values);
            }

            case BtfKind.Enum64:
            {
                var values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    ulong raw = ((ulong)r.Word((3 * i) + 2) << 32) | r.Word((3 * i) + 1);
                    values[i] = new BtfEnumValue(Name(r.Word(3 * i)), unchecked((long)raw));
                }

                return new BtfEnum64(id, name, r.SizeOrType, r.KindFlag, values);
            }

            case BtfKind.Forward:
                return new BtfForward(id, name, r.KindFlag);
            case BtfKind.Func:
                return new BtfFunc(id, name, r.SizeOrType, (BtfLinkage)vlen);
            case BtfKind.FuncProto:
            {
                var parameters = new BtfParameter[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    parameters[i] = new BtfParameter(Name(r.Word(2 * i)), r.Word((2 * i) + 1));
                }

                return new BtfFuncProto(id, name, r.SizeOrType, parameters);
            }

            case BtfKind.Var:
                return new BtfVar(id, name, r.SizeOrType, (BtfLinkage)r.Word(0));
            case BtfKind.DataSec:
            {
                var variables = new BtfVarSecInfo[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    variables[i] = new BtfVarSecInfo(r.Word(3 * i), r.Word((3 * i) + 1), r.Word((3 * i) + 2));
                }

                return new BtfDataSec(id, name, r.SizeOrType, variables);
            }

            case BtfKind.Float:
                return new BtfFloat(id, name, r.SizeOrType);
            case BtfKind.DeclTag:
                return new BtfDeclTag(id, name, r.SizeOrType, unchecked((int)r.Word(0)));
            default:
                throw new BtfFormatException($"type {id} has unknown kind {(int)r.Kind}", r.Offset + 4);
        }
    }
}
