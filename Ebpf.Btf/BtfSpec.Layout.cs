namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    private const int MaxNesting = 1024;
    private int _pointerSize;

    /// <summary>Size of a pointer in bytes: the size of <c>long</c> when the BTF has it, else 8.</summary>
    public int PointerSize
    {
        get
        {
            if (_pointerSize == 0)
            {
                _pointerSize = GuessPointerSize();
            }

            return _pointerSize;
        }
    }

    /// <summary>Follows typedefs and const/volatile/restrict/type-tag qualifiers to the type underneath.</summary>
    /// <param name="id">A type id.</param>
    /// <param name="skipTypedefs">Also skip typedefs (the default); false stops at the first typedef.</param>
    /// <returns>Id of the first type that is none of those kinds (0 for <c>void</c>).</returns>
    /// <exception cref="BtfFormatException">The chain loops.</exception>
    public uint ResolveUnderlyingId(uint id, bool skipTypedefs = true)
    {
        CheckId(id);
        for (uint steps = 0; id != 0; steps++)
        {
            var r = Record(id);
            switch (r.Kind)
            {
                case BtfKind.Typedef when skipTypedefs:
                case BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                    if (steps > LastTypeId)
                    {
                        throw new BtfFormatException($"type {id} is part of a typedef/qualifier cycle", r.Offset);
                    }

                    id = r.SizeOrType;
                    break;
                default:
                    return id;
            }
        }

        return 0;
    }

    /// <summary>The type under typedefs and qualifiers, as <see cref="ResolveUnderlyingId"/> finds it.</summary>
    /// <param name="id">A type id.</param>
    /// <param name="skipTypedefs">Also skip typedefs (the default).</param>
    /// <returns>The underlying type.</returns>
    public BtfType ResolveUnderlying(uint id, bool skipTypedefs = true) => GetTypeById(ResolveUnderlyingId(id, skipTypedefs));

    /// <summary>Size of a type in bytes, as libbpf's <c>btf__resolve_size</c> computes it.</summary>
    /// <param name="id">A type id.</param>
    /// <returns>The size.</returns>
    /// <exception cref="InvalidOperationException">The type has no size (void, function, prototype, forward declaration).</exception>
    /// <exception cref="BtfFormatException">The type chain loops or the size overflows 32 bits.</exception>
    public long GetSize(uint id) =>
        TryGetSize(id, out long size) ? size : throw new InvalidOperationException($"type {id} ({GetKind(id)}) has no size");

    /// <summary>Size of a type in bytes, as libbpf's <c>btf__resolve_size</c> computes it.</summary>
    /// <param name="id">A type id.</param>
    /// <param name="size">The size, or 0.</param>
    /// <returns>False when the type has no size (void, function, prototype, forward declaration).</returns>
    /// <exception cref="BtfFormatException">The type chain loops or the size overflows 32 bits.</exception>
    public bool TryGetSize(uint id, out long size)
    {
        CheckId(id);
        ulong elements = 1;
        size = 0;
        for (uint steps = 0; id != 0; steps++)
        {
            var r = Record(id);
            if (steps > LastTypeId)
            {
                throw new BtfFormatException($"type {id} is part of a reference cycle", r.Offset);
            }

            ulong one;
            switch (r.Kind)
            {
                case BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64
                    or BtfKind.DataSec or BtfKind.Float:
                    one = r.SizeOrType;
                    break;
                case BtfKind.Pointer:
                    one = (ulong)PointerSize;
                    break;
                case BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.Var
                    or BtfKind.DeclTag or BtfKind.TypeTag:
                    id = r.SizeOrType;
                    continue;
                case BtfKind.Array:
                    elements *= r.Word(2);
                    if (elements > uint.MaxValue)
                    {
                        throw new BtfFormatException($"array type {id} has more than 2^32 elements in all", r.Offset);
                    }

                    id = r.Word(0);
                    continue;
                default:
                    return false;
            }

            ulong total = elements * one;
            if (total > uint.MaxValue)
            {
                throw new BtfFormatException($"size of type {id} overflows 32 bits", r.Offset);
            }

            size = (long)total;
            return true;
        }

        return false;
    }

    /// <summary>Alignment of a type in bytes, as libbpf's <c>btf__align_of</c> computes it (1 for packed structs).</summary>
    /// <param name="id">A type id.</param>
    /// <returns>The alignment.</returns>
    /// <exception cref="InvalidOperationException">The type has no alignment (void, function, forward declaration...).</exception>
    /// <exception cref="BtfFormatException">A struct contains itself, a chain loops, or nesting is absurdly deep.</exception>
    public int GetAlignment(uint id) =>
        TryGetAlignment(id, out int align) ? align : throw new InvalidOperationException($"type {id} ({GetKind(id)}) has no alignment");

    /// <summary>Alignment of a type in bytes, as libbpf's <c>btf__align_of</c> computes it (1 for packed structs).</summary>
    /// <param name="id">A type id.</param>
    /// <param name="alignment">The alignment, or 0.</param>
    /// <returns>False when the type has no alignment.</returns>
    /// <exception cref="BtfFormatException">A struct contains itself, a chain loops, or nesting is absurdly deep.</exception>
    public bool TryGetAlignment(uint id, out int alignment)
    {
        CheckId(id);
        Dictionary<uint, int>? memo = null;
        alignment = AlignOf(id, 0, ref memo);
        return alignment > 0;
    }

    /// <summary>Alignment, or 0 for none. Composites recurse (bounded by <see cref="MaxNesting"/>), memoised per call.</summary>
    private int AlignOf(uint id, int depth, ref Dictionary<uint, int>? memo)
    {
        for (uint steps = 0; id != 0; steps++)
        {
            var r = Record(id);
            if (steps > LastTypeId)
            {
                throw new BtfFormatException($"type {id} is part of a reference cycle", r.Offset);
            }

            switch (r.Kind)
            {
                case BtfKind.Int or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Float:
                    return (int)Math.Min((uint)PointerSize, r.SizeOrType);
                case BtfKind.Pointer:
                    return PointerSize;
                case BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag:
                    id = r.SizeOrType;
                    continue;
                case BtfKind.Array:
                    id = r.Word(0);
                    continue;
                case BtfKind.Struct or BtfKind.Union:
                    return CompositeAlignment(id, r, depth, ref memo);
                default:
                    return 0;
            }
        }

        return 0;
    }

    private int CompositeAlignment(uint id, BtfRecord r, int depth, ref Dictionary<uint, int>? memo)
    {
        var seen = memo ??= [];
        if (seen.TryGetValue(id, out int known))
        {
            return known >= 0 ? known : throw new BtfFormatException($"struct or union type {id} contains itself", r.Offset);
        }

        if (depth > MaxNesting)
        {
            throw new BtfFormatException($"type {id} is nested more than {MaxNesting} levels deep", r.Offset);
        }

        seen[id] = -1;
        int result = 1;
        bool bitfields = r.KindFlag;
        for (int i = 0; i < r.Vlen; i++)
        {
            int align = AlignOf(r.Word((3 * i) + 1), depth + 1, ref memo);
            if (align <= 0)
            {
                result = 0;
                break;
            }

            result = Math.Max(result, align);
            uint offset = r.Word((3 * i) + 2);
            uint bitfieldSize = bitfields ? offset >> 24 : 0;
            uint bitOffset = bitfields ? offset & 0xffffff : offset;
            if (bitfieldSize == 0 && bitOffset % (8u * (uint)align) != 0)
            {
                result = 1; // misaligned member: packed
                break;
            }
        }

        if (result > 1 && r.SizeOrType % (uint)result != 0)
        {
            result = 1; // size not a multiple of the alignment: packed
        }

        seen[id] = result;
        return result;
    }

    private int GuessPointerSize()
    {
        foreach (string name in (string[])["long", "long int", "long unsigned int", "unsigned long", "long signed int", "long unsigned"])
        {
            foreach (uint id in FindIds(name, BtfKind.Int))
            {
                uint size = Record(id).SizeOrType;
                if (size is 4 or 8)
                {
                    return (int)size;
                }
            }
        }

        return 8;
    }
}
