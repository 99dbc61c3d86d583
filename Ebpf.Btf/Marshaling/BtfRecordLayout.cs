namespace Ebpf.Btf.Marshaling;

/// <summary>Where the names and type references sit in the words of a raw BTF record
/// (word 0 name_off, word 1 info, word 2 size/type, then the kind's extra words).</summary>
internal static class BtfRecordLayout
{
    /// <summary>Number of 32-bit words after the 3-word header for a kind, or -1 for an unknown kind.</summary>
    internal static int ExtraWords(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 1,
        BtfKind.Array => 3,
        BtfKind.Struct or BtfKind.Union or BtfKind.DataSec or BtfKind.Enum64 => 3 * vlen,
        BtfKind.Enum or BtfKind.FuncProto => 2 * vlen,
        BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const
            or BtfKind.Restrict or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => -1,
    };

    /// <summary>The kind in an info word.</summary>
    internal static BtfKind Kind(uint info) => (BtfKind)((info >> 24) & 0x1f);

    /// <summary>The vlen in an info word.</summary>
    internal static int Vlen(uint info) => (int)(info & 0xffff);

    /// <summary>Builds an info word.</summary>
    internal static uint Info(BtfKind kind, int vlen, bool kindFlag) =>
        ((uint)kind << 24) | (uint)vlen | (kindFlag ? 1u << 31 : 0);

    /// <summary>Adds the indexes of the words of a record that hold type ids.</summary>
    internal static void TypeSlots(ReadOnlySpan<uint> record, List<int> into)
    {
        into.Clear();
        var kind = Kind(record[1]);
        int vlen = Vlen(record[1]);
        switch (kind)
        {
            case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                or BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag:
                into.Add(2);
                break;
            case BtfKind.Array:
                into.Add(3);
                into.Add(4);
                break;
            case BtfKind.Struct or BtfKind.Union:
                for (int i = 0; i < vlen; i++)
                {
                    into.Add(3 + (3 * i) + 1);
                }

                break;
            case BtfKind.FuncProto:
                into.Add(2);
                for (int i = 0; i < vlen; i++)
                {
                    into.Add(3 + (2 * i) + 1);
                }

                break;
            case BtfKind.DataSec:
                for (int i = 0; i < vlen; i++)
                {
                    into.Add(3 + (3 * i));
                }

                break;
        }
    }

    /// <summary>Adds the indexes of the words of a record that hold string offsets.</summary>
    internal static void NameSlots(ReadOnlySpan<uint> record, List<int> into)
    {
        into.Clear();
        into.Add(0);
        var kind = Kind(record[1]);
        int vlen = Vlen(record[1]);
        int stride = kind switch
        {
            BtfKind.Struct or BtfKind.Union or BtfKind.Enum64 => 3,
            BtfKind.Enum or BtfKind.FuncProto => 2,
            _ => 0,
        };
        for (int i = 0; stride != 0 && i < vlen; i++)
        {
            into.Add(3 + (stride * i));
        }
    }
}
