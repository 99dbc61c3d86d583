using System.Globalization;
using System.Text;

namespace Ebpf.Btf;

/// <summary>Writes BTF as <c>bpftool btf dump file FILE format raw</c> (bpftool 7.x) prints it, byte for byte.</summary>
public static class BtfRawDumper
{
    /// <summary>Dumps every type the spec defines (for a split BTF, only its own types, as bpftool does).</summary>
    /// <param name="spec">The BTF.</param>
    /// <returns>The text, one line per type plus one per member, enumerator, parameter or section variable.</returns>
    public static string Dump(BtfSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var writer = new StringWriter(new StringBuilder(spec.TypeCount * 64), CultureInfo.InvariantCulture);
        Dump(spec, writer);
        return writer.ToString();
    }

    /// <summary>Dumps every type the spec defines (for a split BTF, only its own types, as bpftool does).</summary>
    /// <param name="spec">The BTF.</param>
    /// <param name="writer">Where the text goes.</param>
    public static void Dump(BtfSpec spec, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var type in spec.Types)
        {
            DumpType(spec, type, writer);
        }
    }

    /// <summary>Dumps one type, ending with a newline.</summary>
    /// <param name="spec">The BTF the type belongs to (for names of section variables).</param>
    /// <param name="type">The type.</param>
    /// <param name="writer">Where the text goes.</param>
    public static void DumpType(BtfSpec spec, BtfType type, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(writer);
        var w = new Line(writer);
        w.Text("[").Num(type.Id).Text("] ").Text(KindName(type.Kind)).Text(" ").Quoted(type.Name);
        switch (type)
        {
            case BtfInt t:
                w.Text(" size=").Num(t.Size).Text(" bits_offset=").Num(t.BitOffset).Text(" nr_bits=").Num(t.Bits)
                    .Text(" encoding=").Text(EncodingName(t.Encoding));
                break;
            case BtfPointer t:
                w.Text(" type_id=").Num(t.TypeId);
                break;
            case BtfConst t:
                w.Text(" type_id=").Num(t.TypeId);
                break;
            case BtfVolatile t:
                w.Text(" type_id=").Num(t.TypeId);
                break;
            case BtfRestrict t:
                w.Text(" type_id=").Num(t.TypeId);
                break;
            case BtfTypedef t:
                w.Text(" type_id=").Num(t.TypeId);
                break;
            case BtfTypeTag t:
                w.Text(" type_id=").Num(t.TypeId);
                break;
            case BtfArray t:
                w.Text(" type_id=").Num(t.ElementTypeId).Text(" index_type_id=").Num(t.IndexTypeId).Text(" nr_elems=").Num(t.Count);
                break;
            case BtfComposite t:
                w.Text(" size=").Num(t.Size).Text(" vlen=").Num((uint)t.Members.Count);
                foreach (var m in t.Members)
                {
                    w.Text("\n\t").Quoted(m.Name).Text(" type_id=").Num(m.TypeId).Text(" bits_offset=").Num(m.BitOffset);
                    if (m.BitfieldSize != 0)
                    {
                        w.Text(" bitfield_size=").Num(m.BitfieldSize);
                    }
                }

                break;
            case BtfEnumeration t:
                w.Text(" encoding=").Text(t.IsSigned ? "SIGNED" : "UNSIGNED").Text(" size=").Num(t.Size)
                    .Text(" vlen=").Num((uint)t.Values.Count);
                foreach (var v in t.Values)
                {
                    w.Text("\n\t").Quoted(v.Name).Text(" val=");
                    if (t.Kind == BtfKind.Enum64)
                    {
                        w.Text(t.IsSigned
                            ? v.Value.ToString(CultureInfo.InvariantCulture) + "LL"
                            : unchecked((ulong)v.Value).ToString(CultureInfo.InvariantCulture) + "ULL");
                    }
                    else
                    {
                        w.Text(t.IsSigned
                            ? unchecked((int)v.Value).ToString(CultureInfo.InvariantCulture)
                            : unchecked((uint)v.Value).ToString(CultureInfo.InvariantCulture));
                    }
                }

                break;
            case BtfForward t:
                w.Text(" fwd_kind=").Text(t.IsUnion ? "union" : "struct");
                break;
            case BtfFunc t:
                w.Text(" type_id=").Num(t.PrototypeId).Text(" linkage=").Text(LinkageName(t.Linkage));
                break;
            case BtfFuncProto t:
                w.Text(" ret_type_id=").Num(t.ReturnTypeId).Text(" vlen=").Num((uint)t.Parameters.Count);
                foreach (var p in t.Parameters)
                {
                    w.Text("\n\t").Quoted(p.Name).Text(" type_id=").Num(p.TypeId);
                }

                break;
            case BtfVar t:
                w.Text(" type_id=").Num(t.TypeId).Text(", linkage=").Text(LinkageName(t.Linkage));
                break;
            case BtfDataSec t:
                w.Text(" size=").Num(t.Size).Text(" vlen=").Num((uint)t.Variables.Count);
                foreach (var v in t.Variables)
                {
                    w.Text("\n\ttype_id=").Num(v.TypeId).Text(" offset=").Num(v.Offset).Text(" size=").Num(v.Size);
                    if (v.TypeId <= spec.LastTypeId)
                    {
                        w.Text(" (").Text(KindName(spec.GetKind(v.TypeId))).Text(" ").Quoted(spec.GetName(v.TypeId)).Text(")");
                    }
                }

                break;
            case BtfFloat t:
                w.Text(" size=").Num(t.Size);
                break;
            case BtfDeclTag t:
                w.Text(" type_id=").Num(t.TypeId).Text(" component_idx=").Text(t.ComponentIndex.ToString(CultureInfo.InvariantCulture));
                break;
        }

        w.Text("\n");
    }

    /// <summary>The upper-case kind name bpftool prints, e.g. <c>FUNC_PROTO</c>; <c>UNKNOWN</c> for void.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name.</returns>
    public static string KindName(BtfKind kind) => kind switch
    {
        BtfKind.Int => "INT",
        BtfKind.Pointer => "PTR",
        BtfKind.Array => "ARRAY",
        BtfKind.Struct => "STRUCT",
        BtfKind.Union => "UNION",
        BtfKind.Enum => "ENUM",
        BtfKind.Forward => "FWD",
        BtfKind.Typedef => "TYPEDEF",
        BtfKind.Volatile => "VOLATILE",
        BtfKind.Const => "CONST",
        BtfKind.Restrict => "RESTRICT",
        BtfKind.Func => "FUNC",
        BtfKind.FuncProto => "FUNC_PROTO",
        BtfKind.Var => "VAR",
        BtfKind.DataSec => "DATASEC",
        BtfKind.Float => "FLOAT",
        BtfKind.DeclTag => "DECL_TAG",
        BtfKind.TypeTag => "TYPE_TAG",
        BtfKind.Enum64 => "ENUM64",
        _ => "UNKNOWN",
    };

    private static string EncodingName(BtfIntEncoding encoding) => encoding switch
    {
        BtfIntEncoding.None => "(none)",
        BtfIntEncoding.Signed => "SIGNED",
        BtfIntEncoding.Char => "CHAR",
        BtfIntEncoding.Bool => "BOOL",
        _ => "UNKN",
    };

    private static string LinkageName(BtfLinkage linkage) => linkage switch
    {
        BtfLinkage.Static => "static",
        BtfLinkage.Global => "global",
        BtfLinkage.Extern => "extern",
        _ => "(unknown)",
    };

    /// <summary>Appends pieces of one dump line to a writer.</summary>
    private readonly struct Line(TextWriter writer)
    {
        public Line Text(string s)
        {
            writer.Write(s);
            return this;
        }

        public Line Num(uint value)
        {
            Span<char> buffer = stackalloc char[10];
            value.TryFormat(buffer, out int written, default, CultureInfo.InvariantCulture);
            writer.Write(buffer[..written]);
            return this;
        }

        public Line Quoted(string name)
        {
            writer.Write('\'');
            writer.Write(name.Length == 0 ? "(anon)" : name);
            writer.Write('\'');
            return this;
        }
    }
}
