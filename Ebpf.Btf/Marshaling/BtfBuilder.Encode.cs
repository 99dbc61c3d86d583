namespace Ebpf.Btf.Marshaling;

public sealed partial class BtfBuilder
{
    /// <summary>The raw record of a type, with names added to the string table and references kept as given.</summary>
    private uint[] Encode(BtfType type)
    {
        uint name = _strings.Add(type.Name);
        switch (type)
        {
            case BtfInt t:
                if (t.Bits > 128 || t.BitOffset + t.Bits > t.Size * 8 || t.Size is 0 or > 16)
                {
                    throw new BtfBuilderException($"int '{t.Name}': {t.Bits} bits at bit {t.BitOffset} do not fit {t.Size} bytes (at most 16 bytes, 128 bits)");
                }

                return [name, Info(BtfKind.Int, 0, false), t.Size, ((uint)t.Encoding << 24) | ((uint)t.BitOffset << 16) | t.Bits];
            case BtfPointer t:
                return [name, Info(BtfKind.Pointer, 0, false), Ref(t.TypeId)];
            case BtfTypedef t:
                return [name, Info(BtfKind.Typedef, 0, false), Ref(t.TypeId)];
            case BtfVolatile t:
                return [name, Info(BtfKind.Volatile, 0, false), Ref(t.TypeId)];
            case BtfConst t:
                return [name, Info(BtfKind.Const, 0, false), Ref(t.TypeId)];
            case BtfRestrict t:
                return [name, Info(BtfKind.Restrict, 0, false), Ref(t.TypeId)];
            case BtfTypeTag t:
                return [name, Info(BtfKind.TypeTag, 0, false), Ref(t.TypeId)];
            case BtfArray t:
                return [name, Info(BtfKind.Array, 0, false), 0, Ref(t.ElementTypeId), Ref(t.IndexTypeId), t.Count];
            case BtfComposite t:
                return EncodeComposite(t, name);
            case BtfEnum t:
            {
                var record = Header(name, BtfKind.Enum, t.Values.Count, t.IsSigned, t.Size, 2, t);
                for (int i = 0; i < t.Values.Count; i++)
                {
                    var v = t.Values[i];
                    if (t.IsSigned ? v.Value is < int.MinValue or > int.MaxValue : v.Value is < 0 or > uint.MaxValue)
                    {
                        throw new BtfBuilderException($"enum '{t.Name}': value {v.Name} = {v.Value} does not fit 32 {(t.IsSigned ? "signed" : "unsigned")} bits");
                    }

                    record[3 + (2 * i)] = _strings.Add(v.Name);
                    record[4 + (2 * i)] = unchecked((uint)v.Value);
                }

                return record;
            }

            case BtfEnum64 t:
            {
                var record = Header(name, BtfKind.Enum64, t.Values.Count, t.IsSigned, t.Size, 3, t);
                for (int i = 0; i < t.Values.Count; i++)
                {
                    var v = t.Values[i];
                    record[3 + (3 * i)] = _strings.Add(v.Name);
                    record[4 + (3 * i)] = unchecked((uint)v.Value);
                    record[5 + (3 * i)] = unchecked((uint)((ulong)v.Value >> 32));
                }

                return record;
            }

            case BtfForward t:
                return [name, Info(BtfKind.Forward, 0, t.IsUnion), 0];
            case BtfFunc t:
                if (t.Linkage > BtfLinkage.Extern)
                {
                    throw new BtfBuilderException($"func '{t.Name}': unknown linkage {(uint)t.Linkage}");
                }

                return [name, Info(BtfKind.Func, (int)t.Linkage, false), Ref(t.PrototypeId)];
            case BtfFuncProto t:
            {
                var record = Header(name, BtfKind.FuncProto, t.Parameters.Count, false, Ref(t.ReturnTypeId), 2, t);
                for (int i = 0; i < t.Parameters.Count; i++)
                {
                    record[3 + (2 * i)] = _strings.Add(t.Parameters[i].Name);
                    record[4 + (2 * i)] = Ref(t.Parameters[i].TypeId);
                }

                return record;
            }

            case BtfVar t:
                return [name, Info(BtfKind.Var, 0, false), Ref(t.TypeId), (uint)t.Linkage];
            case BtfDataSec t:
            {
                var record = Header(name, BtfKind.DataSec, t.Variables.Count, false, t.Size, 3, t);
                for (int i = 0; i < t.Variables.Count; i++)
                {
                    var v = t.Variables[i];
                    record[3 + (3 * i)] = Ref(v.TypeId);
                    record[4 + (3 * i)] = v.Offset;
                    record[5 + (3 * i)] = v.Size;
                }

                return record;
            }

            case BtfFloat t:
                return [name, Info(BtfKind.Float, 0, false), t.Size];
            case BtfDeclTag t:
                if (t.ComponentIndex < -1)
                {
                    throw new BtfBuilderException($"decl tag '{t.Name}': component index {t.ComponentIndex} below -1");
                }

                return [name, Info(BtfKind.DeclTag, 0, false), Ref(t.TypeId), unchecked((uint)t.ComponentIndex)];
            default:
                throw new ArgumentException($"{type.Kind} cannot be added to BTF", nameof(type));
        }
    }

    private uint[] EncodeComposite(BtfComposite t, uint name)
    {
        var record = Header(name, t.Kind, t.Members.Count, t.HasBitfieldEncoding, t.Size, 3, t);
        for (int i = 0; i < t.Members.Count; i++)
        {
            var m = t.Members[i];
            uint offset;
            if (t.HasBitfieldEncoding)
            {
                if (m.BitfieldSize > 0xff || m.BitOffset > 0xffffff)
                {
                    throw new BtfBuilderException($"{t.Kind} '{t.Name}': member '{m.Name}' bitfield of {m.BitfieldSize} bits at bit {m.BitOffset} does not fit 8+24 bits");
                }

                offset = (m.BitfieldSize << 24) | m.BitOffset;
            }
            else
            {
                if (m.BitfieldSize != 0)
                {
                    throw new BtfBuilderException($"{t.Kind} '{t.Name}': member '{m.Name}' is a bitfield but the type has no bitfield encoding");
                }

                offset = m.BitOffset;
            }

            record[3 + (3 * i)] = _strings.Add(m.Name);
            record[4 + (3 * i)] = Ref(m.TypeId);
            record[5 + (3 * i)] = offset;
        }

        return record;
    }

    private static uint[] Header(uint name, BtfKind kind, int vlen, bool kindFlag, uint sizeOrType, int wordsPerEntry, BtfType type)
    {
        if (vlen > MaxVlen)
        {
            throw new BtfBuilderException($"{kind} '{type.Name}' has {vlen} entries, more than the format's {MaxVlen}");
        }

        var record = new uint[3 + (wordsPerEntry * vlen)];
        record[0] = name;
        record[1] = Info(kind, vlen, kindFlag);
        record[2] = sizeOrType;
        return record;
    }

    private static uint Info(BtfKind kind, int vlen, bool kindFlag) => BtfRecordLayout.Info(kind, vlen, kindFlag);

    private static uint Ref(uint id) =>
        id <= MaxTypeId ? id : throw new BtfBuilderException($"type id {id} is past the format's limit 0x{MaxTypeId:x}");
}
