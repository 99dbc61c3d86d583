namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    /// <summary>Reads a 32-bit word of this blob in its byte order.</summary>
    internal uint ReadWord(int offset) => U32(_raw.Span, offset);

    /// <summary>The raw record of a type id from 1 to <see cref="LastTypeId"/>, in this spec or a base.</summary>
    internal BtfRecord Record(uint id)
    {
        var owner = Owner(id);
        return new BtfRecord(owner, owner.RecordOffset(id));
    }

    /// <summary>The kind of a type, read without decoding it.</summary>
    /// <param name="id">A type id from 0 to <see cref="LastTypeId"/>.</param>
    /// <returns>The kind; <see cref="BtfKind.Void"/> for id 0.</returns>
    public BtfKind GetKind(uint id)
    {
        CheckId(id);
        if (id == 0)
        {
            return BtfKind.Void;
        }

        var owner = Owner(id);
        uint info = ReadUInt32(owner._raw.Span, owner._offsets[id - owner.FirstTypeId] + 4, owner._bigEndian);
        return (BtfKind)((info >> 24) & 0x1f);
    }

    /// <summary>The name of a type, read without decoding the rest of it.</summary>
    /// <param name="id">A type id from 0 to <see cref="LastTypeId"/>.</param>
    /// <returns>The name, or an empty string for an anonymous type or <c>void</c>.</returns>
    public string GetName(uint id)
    {
        CheckId(id);
        if (id == 0)
        {
            return "";
        }

        uint nameOffset = Record(id).NameOffset;
        return nameOffset == 0 ? "" : GetString(nameOffset);
    }

    /// <summary>The UTF-8 name of a type, read in place without decoding the type or allocating.</summary>
    /// <param name="id">A type id from 0 to <see cref="LastTypeId"/>.</param>
    /// <returns>The name's bytes, or an empty span for an anonymous type or <c>void</c>.</returns>
    public ReadOnlySpan<byte> GetNameUtf8(uint id)
    {
        CheckId(id);
        if (id == 0)
        {
            return default;
        }

        var owner = Owner(id);
        var span = owner._raw.Span;
        uint nameOffset = ReadUInt32(span, owner._offsets[id - owner.FirstTypeId], owner._bigEndian);
        if (nameOffset == 0)
        {
            return default;
        }

        if (nameOffset < owner.StringOffsetBase)
        {
            return owner.GetStringUtf8(nameOffset);
        }

        // Offsets were checked when the blob was parsed, and the string section ends with a NUL.
        var rest = span.Slice(owner._stringStart + (int)(nameOffset - owner.StringOffsetBase));
        return rest[..rest.IndexOf((byte)0)];
    }

    /// <summary>Checks every type and name reference of this blob's records against the known ids and strings.</summary>
    private void CheckReferences()
    {
        uint lastId = LastTypeId;
        uint stringEnd = StringOffsetBase + (uint)_stringLength;
        for (int i = 0; i < _offsets.Length; i++)
        {
            var r = new BtfRecord(this, _offsets[i]);
            CheckName(r.NameOffset, stringEnd, r.Offset);
            switch (r.Kind)
            {
                case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                    or BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag or BtfKind.FuncProto:
                    CheckType(r.SizeOrType, lastId, r.Offset + 8);
                    break;
                case BtfKind.Array:
                    CheckType(r.Word(0), lastId, r.Offset + 12);
                    CheckType(r.Word(1), lastId, r.Offset + 16);
                    break;
                case BtfKind.Struct or BtfKind.Union:
                    for (int m = 0; m < r.Vlen; m++)
                    {
                        CheckName(r.Word(3 * m), stringEnd, r.Offset + 12 + (12 * m));
                        CheckType(r.Word((3 * m) + 1), lastId, r.Offset + 16 + (12 * m));
                    }

                    break;
                case BtfKind.Enum:
                    for (int m = 0; m < r.Vlen; m++)
                    {
                        CheckName(r.Word(2 * m), stringEnd, r.Offset + 12 + (8 * m));
                    }

                    break;
                case BtfKind.Enum64:
                    for (int m = 0; m < r.Vlen; m++)
                    {
                        CheckName(r.Word(3 * m), stringEnd, r.Offset + 12 + (12 * m));
                    }

                    break;
                case BtfKind.DataSec:
                    for (int m = 0; m < r.Vlen; m++)
                    {
                        CheckType(r.Word(3 * m), lastId, r.Offset + 12 + (12 * m));
                    }

                    break;
            }

            if (r.Kind == BtfKind.FuncProto)
            {
                for (int m = 0; m < r.Vlen; m++)
                {
                    CheckName(r.Word(2 * m), stringEnd, r.Offset + 12 + (8 * m));
                    CheckType(r.Word((2 * m) + 1), lastId, r.Offset + 16 + (8 * m));
                }
            }
        }
    }

    private static void CheckType(uint id, uint lastId, int offset)
    {
        if (id > lastId)
        {
            throw new BtfFormatException($"reference to type id {id}, past the last id {lastId}", offset);
        }
    }

    private static void CheckName(uint nameOffset, uint stringEnd, int offset)
    {
        if (nameOffset != 0 && nameOffset >= stringEnd)
        {
            throw new BtfFormatException($"name offset {nameOffset} past the end of the strings ({stringEnd})", offset);
        }
    }
}
