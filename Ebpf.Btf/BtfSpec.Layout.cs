namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
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
    /// <exception cref="BtfFormatException">A struct contains itself or a chain loops.</exception>
    public int GetAlignment(uint id) =>
        TryGetAlignment(id, out int align) ? align : throw new InvalidOperationException($"type {id} ({GetKind(id)}) has no alignment");

    /// <summary>Alignment of a type in bytes, as libbpf's <c>btf__align_of</c> computes it (1 for packed structs).</summary>
    /// <param name="id">A type id.</param>
    /// <param name="alignment">The alignment, or 0.</param>
    /// <returns>False when the type has no alignment.</returns>
    /// <exception cref="BtfFormatException">A struct contains itself or a chain loops.</exception>
    public bool TryGetAlignment(uint id, out int alignment)
    {
        CheckId(id);
        alignment = AlignOf(id);
        return alignment > 0;
    }

    /// <summary>Alignment, or 0 for none. Nested structs are handled with an explicit stack, so nesting depth
    /// costs no call stack; each struct is computed once per call and one that contains itself is reported.</summary>
    private int AlignOf(uint rootId)
    {
        Dictionary<uint, int>? memo = null;
        Stack<AlignmentFrame>? frames = null;
        uint current = rootId;
        while (true)
        {
            int value = LeafAlignment(current, out var composite);
            if (value < 0)
            {
                memo ??= [];
                uint compositeId = composite.Id;
                if (memo.TryGetValue(compositeId, out int known))
                {
                    value = known >= 0
                        ? known
                        : throw new BtfFormatException($"struct or union type {compositeId} contains itself", composite.Record.Offset);
                }
                else if (composite.Record.Vlen > 0)
                {
                    memo[compositeId] = -1;
                    (frames ??= new Stack<AlignmentFrame>()).Push(new AlignmentFrame(compositeId, composite.Record));
                    current = composite.Record.Word(1);
                    continue;
                }
                else
                {
                    value = memo[compositeId] = 1;
                }
            }

            // Hand the value up to the enclosing structs until one still has members to look at.
            bool descend = false;
            while (frames is { Count: > 0 } && !descend)
            {
                var frame = frames.Peek();
                int final = frame.Accept(value);
                if (final < 0)
                {
                    current = frame.Record.Word((3 * frame.Index) + 1);
                    descend = true;
                }
                else
                {
                    frames.Pop();
                    memo![frame.Id] = final;
                    value = final;
                }
            }

            if (!descend)
            {
                return value;
            }
        }
    }

    /// <summary>Alignment of a non-composite type after typedefs, qualifiers and arrays (0 for none),
    /// or -1 with the struct or union that must be looked into.</summary>
    private int LeafAlignment(uint id, out (uint Id, BtfRecord Record) composite)
    {
        composite = default;
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
                    composite = (id, r);
                    return -1;
                default:
                    return 0;
            }
        }

        return 0;
    }

    /// <summary>A struct or union whose members' alignments are being gathered, as libbpf's <c>btf__align_of</c> does.</summary>
    private sealed class AlignmentFrame(uint id, BtfRecord record)
    {
        public uint Id { get; } = id;

        public BtfRecord Record { get; } = record;

        /// <summary>The member whose alignment comes next.</summary>
        public int Index { get; private set; }

        private int _max = 1;

        /// <summary>Takes the alignment of member <see cref="Index"/>; returns the struct's alignment when done, else -1.</summary>
        public int Accept(int memberAlignment)
        {
            if (memberAlignment <= 0)
            {
                return 0;
            }

            _max = Math.Max(_max, memberAlignment);
            uint offset = Record.Word((3 * Index) + 2);
            bool bitfields = Record.KindFlag;
            uint bitfieldSize = bitfields ? offset >> 24 : 0;
            uint bitOffset = bitfields ? offset & 0xffffff : offset;
            if (bitfieldSize == 0 && bitOffset % (8u * (uint)memberAlignment) != 0)
            {
                return 1; // misaligned member: packed
            }

            if (++Index < Record.Vlen)
            {
                return -1;
            }

            return Record.SizeOrType % (uint)_max != 0 ? 1 : _max; // size not a multiple of the alignment: packed
        }
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
