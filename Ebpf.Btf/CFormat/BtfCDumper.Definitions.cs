using System.Globalization;
using System.Text;

namespace Ebpf.Btf.CFormat;

public sealed partial class BtfCDumper
{
    /// <summary>GCC's typedefs to its internal Arm SIMD types, which other compilers lack: aliased to standard types.</summary>
    private static readonly Dictionary<string, string> MissingBaseTypes = new(StringComparer.Ordinal)
    {
        ["__Poly8_t"] = "unsigned char",
        ["__Poly16_t"] = "unsigned short",
        ["__Poly64_t"] = "unsigned long long",
        ["__Poly128_t"] = "unsigned __int128",
    };

    /// <summary>Most unnamed bitfields written for one gap (a 4 MiB hole with <c>long: 64;</c>): more comes only from
    /// a broken size or offset, and would make the output gigabytes long.</summary>
    private const int MaxPaddingLines = 1 << 19;

    private readonly List<DeclarationWork> _scratch = [];

    /// <summary>Pushes the steps that write a struct or union definition: header, members with the explicit padding
    /// needed to land each at its BTF offset, closing brace and <c>__attribute__((packed))</c> when the layout needs it.</summary>
    private void PushCompositeDefinition(BtfComposite composite, int level)
    {
        bool isStruct = composite is BtfStruct;
        int alignment = AlignmentOf(composite.Id);
        bool packed = isStruct && IsPacked(composite);
        var text = new StringBuilder(isStruct ? "struct" : "union");
        if (composite.Name.Length != 0)
        {
            text.Append(' ').Append(TypeName(composite.Id));
        }

        text.Append(" {");
        _scratch.Clear();
        long offset = 0;
        bool previousBitfield = false;
        foreach (var member in composite.Members)
        {
            long bits = member.BitfieldSize;
            int memberAlignment = packed ? 1 : AlignmentOf(member.TypeId);
            AppendPadding(text, offset, member.BitOffset, memberAlignment, previousBitfield && bits != 0, level + 1);
            text.Append('\n').Append(Indent(level + 1));
            _scratch.Add(DeclarationWork.Write(text.ToString()));
            _scratch.Add(DeclarationWork.Declaration(member.TypeId, member.Name, level + 1));
            text.Clear();
            if (bits != 0)
            {
                text.Append(": ").Append(bits.ToString(CultureInfo.InvariantCulture));
                offset = member.BitOffset + bits;
                previousBitfield = true;
            }
            else
            {
                offset = member.BitOffset + (SizeOf(member.TypeId) * 8);
                previousBitfield = false;
            }

            text.Append(';');
        }

        if (isStruct)
        {
            AppendPadding(text, offset, composite.Size * 8L, alignment, inBitfield: false, level + 1);
        }

        // An empty struct stays on one line: struct empty {}.
        if (composite.Members.Count != 0 || composite.Size != 0)
        {
            text.Append('\n').Append(Indent(level));
        }

        text.Append('}');
        if (packed)
        {
            text.Append(" __attribute__((packed))");
        }

        _scratch.Add(DeclarationWork.Write(text.ToString()));
        for (int i = _scratch.Count - 1; i >= 0; i--)
        {
            Push(_scratch[i]);
        }
    }

    /// <summary>
    /// Appends unnamed bitfields (<c>long: 64;</c>, <c>int: 5;</c>, <c>long: 0;</c>) that move the next member from bit
    /// <paramref name="current"/> to bit <paramref name="next"/>, relying on natural alignment where it gets there by
    /// itself: first the largest of long, int, short and char whose alignment boundary is within reach, then whole
    /// units of it, then the smallest type that holds the rest.
    /// </summary>
    private void AppendPadding(StringBuilder text, long current, long next, int nextAlignment, bool inBitfield, int level)
    {
        if (current >= next)
        {
            return;
        }

        ReadOnlySpan<(string Name, int Bits)> pads = [("long", _pointerSize * 8), ("int", 32), ("short", 16), ("char", 8)];
        long aligned = 0;
        int padBits = 0;
        string padType = "";
        foreach (var pad in pads)
        {
            padBits = pad.Bits;
            padType = pad.Name;
            aligned = RoundUp(current, padBits);
            if (aligned <= next)
            {
                break;
            }
        }

        if (aligned > current && aligned <= next)
        {
            // An explicit `type: 0` is needed when the next member's own alignment would not take it to the
            // boundary, or when a following `type: N` would fit in the hole and so be ignored; inside a run of
            // bitfields the exact count is written instead.
            if (inBitfield
                || (aligned == next && RoundUp(current, nextAlignment * 8) != aligned)
                || (aligned != next && next - aligned <= aligned - current))
            {
                AppendPad(text, padType, inBitfield ? aligned - current : 0, level);
            }

            current = aligned;
        }

        if ((next - current) / padBits > MaxPaddingLines)
        {
            throw new BtfFormatException($"a gap of {next - current} bits in a struct would take more than {MaxPaddingLines} padding lines", 0);
        }

        while (current != next)
        {
            long bits = Math.Min(next - current, padBits);
            if (bits == padBits)
            {
                AppendPad(text, padType, padBits, level);
                current += bits;
                continue;
            }

            for (int i = pads.Length - 1; i >= 0; i--)
            {
                if (pads[i].Bits < bits)
                {
                    continue;
                }

                padType = pads[i].Name;
                padBits = pads[i].Bits;
                AppendPad(text, padType, bits, level);
                current += bits;
                break;
            }
        }
    }

    private static void AppendPad(StringBuilder text, string type, long bits, int level) =>
        text.Append('\n').Append(Indent(level)).Append(type).Append(": ").Append(bits.ToString(CultureInfo.InvariantCulture)).Append(';');

    private static long RoundUp(long value, long unit) => unit <= 0 ? value : (value + unit - 1) / unit * unit;

    /// <summary>Whether a struct needs <c>__attribute__((packed))</c>: a non-bitfield member is not at a multiple of
    /// its alignment, or the size is not a multiple of the largest member alignment.</summary>
    private bool IsPacked(BtfComposite composite)
    {
        int maxAlignment = 1;
        foreach (var member in composite.Members)
        {
            int alignment = AlignmentOf(member.TypeId);
            if (alignment != 0 && member.BitfieldSize == 0 && member.BitOffset % (8L * alignment) != 0)
            {
                return true;
            }

            maxAlignment = Math.Max(maxAlignment, alignment);
        }

        return composite.Size % maxAlignment != 0;
    }

    private int AlignmentOf(uint id) => _spec.TryGetAlignment(id, out int alignment) ? alignment : 0;

    private long SizeOf(uint id) => _spec.TryGetSize(id, out long size) ? size : 0;

    private void WriteCompositeForward(BtfComposite composite)
    {
        _output.Write(composite is BtfStruct ? "struct" : "union");
        if (composite.Name.Length != 0)
        {
            _output.Write(' ');
            _output.Write(TypeName(composite.Id));
        }
    }

    private void WriteForward(BtfForward forward)
    {
        _output.Write(forward.IsUnion ? "union " : "struct ");
        _output.Write(TypeName(forward.Id));
    }

    /// <summary>Writes <c>enum name { A = 1, ... }</c> (just <c>enum name</c> without values), with a <c>mode</c>
    /// attribute when asked for and the size is one the values alone would not give.</summary>
    private void WriteEnumDefinition(BtfEnumeration enumeration, int level)
    {
        _output.Write("enum");
        if (enumeration.Name.Length != 0)
        {
            _output.Write(' ');
            _output.Write(TypeName(enumeration.Id));
        }

        if (enumeration.Values.Count == 0)
        {
            return;
        }

        _output.Write(" {");
        bool is64 = enumeration is BtfEnum64;
        bool high = false;
        foreach (var value in enumeration.Values)
        {
            // Enumerators share the ordinary identifier namespace with typedefs.
            int duplicates = CountName(_identNames, value.Name);
            string number = (is64, enumeration.IsSigned) switch
            {
                (false, true) => ((int)value.Value).ToString(CultureInfo.InvariantCulture),
                (false, false) => ((uint)value.Value).ToString(CultureInfo.InvariantCulture),
                (true, true) => value.Value.ToString(CultureInfo.InvariantCulture) + "LL",
                (true, false) => ((ulong)value.Value).ToString(CultureInfo.InvariantCulture) + "ULL",
            };
            high |= (ulong)value.Value >> 32 != 0;
            _output.Write('\n');
            _output.Write(Indent(level + 1));
            _output.Write(value.Name);
            if (duplicates > 1)
            {
                _output.Write("___");
                _output.Write(duplicates.ToString(CultureInfo.InvariantCulture));
            }

            _output.Write(" = ");
            _output.Write(number);
            _output.Write(',');
        }

        _output.Write('\n');
        _output.Write(Indent(level));
        _output.Write('}');
        if (!_enumSizeAttributes)
        {
            return;
        }

        if (enumeration.Size == 1)
        {
            _output.Write(" __attribute__((mode(byte)))");
        }
        else if (enumeration.Size == 8 && _pointerSize == 8 && (!is64 || !high))
        {
            // A 32-bit enum, or a 64-bit one whose values all fit in 32 bits, is only 8 bytes in word mode.
            _output.Write(" __attribute__((mode(word)))");
        }
    }

    private void WriteTypedefDefinition(BtfTypedef typedef, int level)
    {
        string name = IdentName(typedef.Id);
        if (typedef.TypeId == 0 && name == "__gnuc_va_list")
        {
            // Old GCC emits this typedef to void.
            _output.Write("typedef __builtin_va_list __gnuc_va_list");
            return;
        }

        _output.Write("typedef ");
        RunDeclarations(DeclarationWork.Declaration(typedef.TypeId, name, level));
    }

    private void WriteMissingAlias(uint id)
    {
        string name = TypeName(id);
        if (MissingBaseTypes.TryGetValue(name, out string? standard))
        {
            _output.Write($"typedef {standard} {name};\n\n");
        }
    }
}
