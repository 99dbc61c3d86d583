using System.Globalization;
using System.Text;

namespace Ebpf.Btf.CSharp;

/// <summary>
/// Writes C# declarations for BTF types, so user space shares the layout of a BPF program's structs:
/// structs and unions become <c>[StructLayout(LayoutKind.Explicit, Size = N)]</c> structs with <c>[FieldOffset]</c>
/// fields, arrays become <c>[InlineArray(n)]</c> structs, enums become enums of the same size, pointers become
/// <see cref="ulong"/>, typedefs and qualifiers are resolved, anonymous members are flattened into their parent and
/// bitfields become properties over a backing field. Every type a root needs is written once.
/// </summary>
/// <remarks>
/// Bitfield accessors pick the bit numbering of the host's byte order at run time (<c>bpfel</c> numbering on
/// little-endian hosts, <c>bpfeb</c> on big-endian ones); both objects carry the same BTF offsets.
/// </remarks>
public sealed class CSharpStructWriter
{
    private const string Layout = "global::System.Runtime.InteropServices.";

    private readonly BtfSpec _spec;
    private readonly Dictionary<uint, string> _named = [];
    private readonly Dictionary<string, string> _arrays = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly List<string> _declarations = [];

    /// <summary>Creates a writer for types of <paramref name="spec"/>.</summary>
    public CSharpStructWriter(BtfSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
    }

    /// <summary>The declarations written so far, in the order their types were finished.</summary>
    public IReadOnlyList<string> Declarations => _declarations;

    /// <summary>Keeps <paramref name="name"/> from being used for a written type (for example an enclosing class).</summary>
    public void Reserve(string name) => _used.Add(name);

    /// <summary>
    /// The C# type for BTF type <paramref name="typeId"/>, writing its declaration and those it depends on when needed.
    /// </summary>
    /// <param name="typeId">A BTF type id.</param>
    /// <param name="nameHint">The name for an anonymous struct, union or enum.</param>
    /// <returns>A C# type name: a keyword for integers and floats, else the name of a written declaration.</returns>
    /// <exception cref="NotSupportedException">The type has no C# layout (void, functions, forward declarations, empty arrays).</exception>
    public string TypeName(uint typeId, string? nameHint = null)
    {
        var type = _spec.ResolveUnderlying(typeId);
        return type switch
        {
            BtfInt i => IntName(i),
            BtfFloat f => f.Size switch
            {
                2 => "global::System.Half",
                4 => "float",
                8 => "double",
                _ => throw new NotSupportedException($"BTF float '{f.Name}' of {f.Size} bytes has no C# type"),
            },
            BtfPointer => "ulong",
            BtfEnumeration e => EnumName(e, nameHint),
            BtfComposite c => CompositeName(c, nameHint),
            BtfArray a => ArrayName(a, nameHint),
            _ => throw new NotSupportedException($"BTF {type} has no C# layout"),
        };
    }

    /// <summary>All declarations written so far as one source text, each line prefixed with <paramref name="indent"/>.</summary>
    public string ToSource(string indent = "")
    {
        var text = new StringBuilder();
        foreach (var declaration in _declarations)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            foreach (var line in declaration.Split('\n'))
            {
                text.Append(line.Length == 0 ? string.Empty : indent).Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string IntName(BtfInt type) => type.Size switch
    {
        1 when (type.Encoding & BtfIntEncoding.Bool) != 0 => "bool",
        1 when type.IsSigned && (type.Encoding & BtfIntEncoding.Char) == 0 && type.Name != "char" => "sbyte",
        1 => "byte",
        2 => type.IsSigned ? "short" : "ushort",
        4 => type.IsSigned ? "int" : "uint",
        8 => type.IsSigned ? "long" : "ulong",
        16 => type.IsSigned ? "global::System.Int128" : "global::System.UInt128",
        _ => throw new NotSupportedException($"BTF int '{type.Name}' of {type.Size} bytes has no C# type"),
    };

    private static string IntName(uint size, bool signed) => size switch
    {
        1 => signed ? "sbyte" : "byte",
        2 => signed ? "short" : "ushort",
        4 => signed ? "int" : "uint",
        _ => signed ? "long" : "ulong",
    };

    private string Unique(string name)
    {
        string candidate = name;
        for (int i = 2; !_used.Add(candidate); i++)
        {
            candidate = name + i.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private string EnumName(BtfEnumeration type, string? hint)
    {
        if (_named.TryGetValue(type.Id, out var existing))
        {
            return existing;
        }

        string name = Unique(type.Name.Length > 0 ? CSharpNames.PascalCase(type.Name) : hint ?? "AnonymousEnum");
        _named[type.Id] = name;
        string underlying = IntName(type.Size, type.IsSigned);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"/// <summary>C <c>enum {CSharpNames.XmlText(CName(type))}</c> ({type.Size} bytes).</summary>\n");
        text.Append(CultureInfo.InvariantCulture, $"public enum {name} : {underlying}\n{{\n");
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in type.Values)
        {
            string member = CSharpNames.PascalCase(value.Name);
            string unique = member;
            for (int i = 2; !members.Add(unique); i++)
            {
                unique = member + i.ToString(CultureInfo.InvariantCulture);
            }

            text.Append(CultureInfo.InvariantCulture, $"    /// <summary>C <c>{CSharpNames.XmlText(value.Name)}</c>.</summary>\n");
            text.Append(CultureInfo.InvariantCulture, $"    {unique} = {EnumLiteral(value.Value, type.Size, type.IsSigned, underlying)},\n");
        }

        text.Append('}');
        _declarations.Add(text.ToString());
        return name;
    }

    private static string EnumLiteral(long value, uint size, bool signed, string underlying)
    {
        if (signed)
        {
            return value < 0 ? $"unchecked(({underlying})({value.ToString(CultureInfo.InvariantCulture)}))" : value.ToString(CultureInfo.InvariantCulture);
        }

        ulong bits = size >= 8 ? (ulong)value : (ulong)value & ((1UL << (int)(size * 8)) - 1);
        return bits.ToString(CultureInfo.InvariantCulture);
    }

    private static string CName(BtfType type) => type.Name.Length > 0 ? type.Name : "(anonymous)";

    private string ArrayName(BtfArray type, string? hint)
    {
        if (type.Count == 0)
        {
            throw new NotSupportedException($"BTF {type} has no elements (a flexible array member)");
        }

        string element = TypeName(type.ElementTypeId, hint is null ? null : hint + "Element");
        string key = element + "[" + type.Count.ToString(CultureInfo.InvariantCulture) + "]";
        if (_arrays.TryGetValue(key, out var existing))
        {
            return existing;
        }

        string shortName = CSharpNames.PascalCase(element.StartsWith("global::System.", StringComparison.Ordinal) ? element["global::System.".Length..] : element);
        string name = Unique(shortName + "Array" + type.Count.ToString(CultureInfo.InvariantCulture));
        _arrays[key] = name;
        _declarations.Add(
            $"/// <summary>A C array of {type.Count} <c>{CSharpNames.XmlText(element)}</c>.</summary>\n" +
            $"[global::System.Runtime.CompilerServices.InlineArray({type.Count})]\n" +
            $"public struct {name}\n{{\n" +
            $"    private {element} _element0;\n}}");
        return name;
    }

    private string CompositeName(BtfComposite type, string? hint)
    {
        if (_named.TryGetValue(type.Id, out var existing))
        {
            return existing;
        }

        string name = Unique(type.Name.Length > 0 ? CSharpNames.PascalCase(type.Name) : hint ?? "Anonymous" + (type is BtfUnion ? "Union" : "Struct"));
        _named[type.Id] = name;
        var members = new HashSet<string>(StringComparer.Ordinal) { name };
        var body = new StringBuilder();
        AddMembers(type, 0, type.Size, name, members, body);
        string keyword = type is BtfUnion ? "union" : "struct";
        _declarations.Add(
            $"/// <summary>C <c>{keyword} {CSharpNames.XmlText(CName(type))}</c> ({type.Size} bytes).</summary>\n" +
            $"[{Layout}StructLayout({Layout}LayoutKind.Explicit, Size = {type.Size})]\n" +
            $"public partial struct {name}\n{{\n" +
            body.ToString().TrimEnd('\n') + "\n}");
        return name;
    }

    private void AddMembers(BtfComposite type, uint baseBits, uint structSize, string owner, HashSet<string> names, StringBuilder body)
    {
        foreach (var member in type.Members)
        {
            uint bits = baseBits + member.BitOffset;
            var memberType = _spec.ResolveUnderlying(member.TypeId);
            if (member.Name.Length == 0 && memberType is BtfComposite inner)
            {
                AddMembers(inner, bits, structSize, owner, names, body); // C lets the parent name an anonymous member's fields
                continue;
            }

            string field = member.Name.Length > 0 ? CSharpNames.PascalCase(member.Name) : "Anonymous";
            string unique = field;
            for (int i = 2; !names.Add(unique); i++)
            {
                unique = field + i.ToString(CultureInfo.InvariantCulture);
            }

            if (member.BitfieldSize != 0 || bits % 8 != 0)
            {
                AddBitfield(member, memberType, bits, unique, names, body, structSize);
                continue;
            }

            if (memberType is BtfArray { Count: 0 })
            {
                body.Append(CultureInfo.InvariantCulture, $"    // C flexible array member '{member.Name}' at offset {bits / 8}: no C# field.\n\n");
                continue;
            }

            string typeName = TypeName(member.TypeId, owner + unique);
            body.Append(CultureInfo.InvariantCulture, $"    /// <summary>C member <c>{CSharpNames.XmlText(member.Name)}</c> at offset {bits / 8}.</summary>\n");
            body.Append(CultureInfo.InvariantCulture, $"    [{Layout}FieldOffset({bits / 8})]\n");
            body.Append(CultureInfo.InvariantCulture, $"    public {typeName} {CSharpNames.Escape(unique)};\n\n");
        }
    }

    private void AddBitfield(BtfMember member, BtfType memberType, uint bits, string property, HashSet<string> names, StringBuilder body, uint structSize)
    {
        uint size = member.BitfieldSize != 0 ? member.BitfieldSize : (uint)(_spec.GetSize(member.TypeId) * 8);
        long declared = _spec.TryGetSize(member.TypeId, out long s) ? s : 0;
        if (BitfieldStorage(bits, size, declared, structSize) is not { } layout)
        {
            body.Append(CultureInfo.InvariantCulture, $"    // C bitfield '{member.Name}' ({size} bits at bit {bits}): no C# storage fits.\n\n");
            return;
        }

        string storageType = IntName(layout.Width, signed: false);
        string storage = "_" + char.ToLowerInvariant(property[0]) + property[1..] + "Bits";
        while (!names.Add(storage))
        {
            storage += "_";
        }

        string shift = ByHostOrder(layout.LittleEndianShift, layout.BigEndianShift);
        string signShift = ByHostOrder(64 - layout.LittleEndianShift - (int)size, 64 - layout.BigEndianShift - (int)size);
        string mask = size >= 64 ? "ulong.MaxValue" : $"0x{(1UL << (int)size) - 1:X}UL";
        string typeName = TypeName(member.TypeId, null);
        bool signed = memberType is BtfInt { IsSigned: true } || memberType is BtfEnumeration { IsSigned: true };
        string raw = $"(((ulong){storage} >> {shift}) & {mask})";
        string get = typeName switch
        {
            "bool" => $"{raw} != 0",
            _ when signed => $"unchecked(({typeName})((long)((ulong){storage} << {signShift}) >> {64 - (int)size}))",
            _ => $"unchecked(({typeName}){raw})",
        };
        string value = typeName == "bool" ? "(value ? 1UL : 0UL)" : "(ulong)value";
        body.Append(CultureInfo.InvariantCulture, $"    [{Layout}FieldOffset({layout.Start})]\n");
        body.Append(CultureInfo.InvariantCulture, $"    private {storageType} {storage};\n\n");
        body.Append(CultureInfo.InvariantCulture, $"    /// <summary>C bitfield <c>{CSharpNames.XmlText(member.Name)}</c>: {size} bits at bit {bits}.</summary>\n");
        body.Append(CultureInfo.InvariantCulture, $"    public {typeName} {CSharpNames.Escape(property)}\n    {{\n");
        body.Append(CultureInfo.InvariantCulture, $"        readonly get => {get};\n");
        body.Append(CultureInfo.InvariantCulture, $"        set => {storage} = unchecked(({storageType})(((ulong){storage} & ~({mask} << {shift})) | (({value} & {mask}) << {shift})));\n");
        body.Append("    }\n\n");
    }

    private static string ByHostOrder(int littleEndian, int bigEndian) =>
        littleEndian == bigEndian
            ? littleEndian.ToString(CultureInfo.InvariantCulture)
            : $"(global::System.BitConverter.IsLittleEndian ? {littleEndian} : {bigEndian})";

    /// <summary>
    /// Where a bitfield's bits live: an integer of <c>Width</c> bytes at byte <c>Start</c> (the declared type's aligned
    /// unit when the bits fit in it), and the shift of the bits in that integer as a little- and a big-endian host
    /// reads it (BTF numbers bits from the first byte's low bit on little-endian targets, from its high bit on big-endian).
    /// </summary>
    /// <returns>The storage, or null when no 1, 2, 4 or 8 byte integer inside the struct holds the bits.</returns>
    internal static (uint Start, uint Width, int LittleEndianShift, int BigEndianShift)? BitfieldStorage(uint bits, uint size, long declaredSize, uint structSize)
    {
        uint first = bits / 8;
        uint last = (bits + size - 1) / 8;
        uint width = 1;
        while (width < last - first + 1)
        {
            width *= 2;
        }

        uint start = first;
        if (declaredSize is 1 or 2 or 4 or 8)
        {
            uint unit = (uint)declaredSize; // the C storage unit: the declared type, aligned, when the bits fit in one
            uint unitStart = bits / 8 / unit * unit;
            if (unitStart + unit <= structSize && bits + size <= (unitStart + unit) * 8)
            {
                start = unitStart;
                width = unit;
            }
        }

        if (start + width > structSize)
        {
            start = structSize >= width ? structSize - width : 0;
        }

        if (width > 8 || start + width > structSize)
        {
            return null;
        }

        int within = (int)(bits - (start * 8));
        return (start, width, within, (int)(width * 8) - within - (int)size);
    }
}
