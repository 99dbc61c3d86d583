using System.Globalization;

namespace Ebpf.Links;

/// <summary>
/// Parses x86-64 USDT argument specifications (the assembler operands <c>sys/sdt.h</c> records, "Arguments" in
/// <c>readelf -n</c>) into <see cref="UsdtArgument"/>s, with the forms and register names of libbpf's
/// <c>parse_usdt_arg</c>: <c>SIZE@$IMM</c>, <c>SIZE@%REG</c>, <c>SIZE@OFF(%REG)</c>, <c>SIZE@(%REG)</c>,
/// <c>SIZE@OFF(%BASE,%INDEX,SCALE)</c> and its shorter forms; SIZE is 1, 2, 4 or 8, negative for a signed value.
/// </summary>
internal static class UsdtArguments
{
    /// <summary>The most arguments a probe may have: <c>BPF_USDT_MAX_ARG_CNT</c>.</summary>
    public const int MaxCount = 12;

    /// <summary>
    /// The register names x86-64 assemblers write (64-, 32-, 16- and 8-bit) and the offset of the 64-bit register in
    /// the kernel's <c>struct pt_regs</c> (arch/x86/include/asm/ptrace.h), as libbpf's <c>calc_pt_regs_off</c>.
    /// </summary>
    private static readonly (string[] Names, short Offset)[] Registers =
    [
        (["rip", "eip"], 128),
        (["rax", "eax", "ax", "al"], 80),
        (["rbx", "ebx", "bx", "bl"], 40),
        (["rcx", "ecx", "cx", "cl"], 88),
        (["rdx", "edx", "dx", "dl"], 96),
        (["rsi", "esi", "si", "sil"], 104),
        (["rdi", "edi", "di", "dil"], 112),
        (["rbp", "ebp", "bp", "bpl"], 32),
        (["rsp", "esp", "sp", "spl"], 152),
        (["r8", "r8d", "r8w", "r8b"], 72),
        (["r9", "r9d", "r9w", "r9b"], 64),
        (["r10", "r10d", "r10w", "r10b"], 56),
        (["r11", "r11d", "r11w", "r11b"], 48),
        (["r12", "r12d", "r12w", "r12b"], 24),
        (["r13", "r13d", "r13w", "r13b"], 16),
        (["r14", "r14d", "r14w", "r14b"], 8),
        (["r15", "r15d", "r15w", "r15b"], 0),
    ];

    /// <summary>Parses a probe's whole specification (arguments separated by spaces).</summary>
    /// <exception cref="FormatException">An argument this parser does not know, a bad size, or more than <see cref="MaxCount"/>.</exception>
    public static UsdtArgument[] Parse(string specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var arguments = new List<UsdtArgument>();
        foreach (var range in specification.AsSpan().Split(' '))
        {
            var text = specification.AsSpan()[range];
            if (text.IsEmpty)
            {
                continue;
            }

            if (arguments.Count == MaxCount)
            {
                throw new FormatException($"USDT argument specification '{specification}' has more than {MaxCount} arguments");
            }

            arguments.Add(ParseOne(text, arguments.Count));
        }

        return [.. arguments];
    }

    /// <summary>Parses one argument, such as <c>-4@-20(%rbp)</c>.</summary>
    /// <exception cref="FormatException">A form, register, size or scale this parser does not know.</exception>
    public static UsdtArgument ParseOne(ReadOnlySpan<char> text, int index = 0)
    {
        int at = text.IndexOf('@');
        if (at <= 0 || !int.TryParse(text[..at], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int size))
        {
            throw Unrecognized(text, index, "no SIZE@ prefix");
        }

        bool signed = size < 0;
        size = Math.Abs(size);
        if (size is not (1 or 2 or 4 or 8))
        {
            throw Unrecognized(text, index, $"size {size} is not 1, 2, 4 or 8");
        }

        var location = text[(at + 1)..];
        if (location.StartsWith('$'))
        {
            return new UsdtArgument(UsdtArgumentKind.Constant, size, signed, ParseNumber(location[1..], text, index), 0);
        }

        if (location.StartsWith('%'))
        {
            return new UsdtArgument(UsdtArgumentKind.Register, size, signed, 0, Register(location[1..], text, index));
        }

        int open = location.IndexOf('(');
        if (open < 0 || !location.EndsWith(')'))
        {
            throw Unrecognized(text, index, "not $IMM, %REG or [OFFSET](%REG[,%INDEX[,SCALE]])");
        }

        long offset = open == 0 ? 0 : ParseNumber(location[..open], text, index);
        var inside = location[(open + 1)..^1];
        int comma = inside.IndexOf(',');
        if (comma < 0)
        {
            return new UsdtArgument(UsdtArgumentKind.RegisterDereference, size, signed, offset, Register(Percent(inside, text, index), text, index));
        }

        var baseRegister = inside[..comma];
        var rest = inside[(comma + 1)..];
        int secondComma = rest.IndexOf(',');
        var indexRegister = secondComma < 0 ? rest : rest[..secondComma];
        int scale = secondComma < 0 ? 1 : (int)ParseNumber(rest[(secondComma + 1)..], text, index);
        byte shift = scale switch
        {
            1 => 0,
            2 => 1,
            4 => 2,
            8 => 3,
            _ => throw Unrecognized(text, index, $"scale {scale} is not 1, 2, 4 or 8"),
        };
        return new UsdtArgument(UsdtArgumentKind.ScaledIndex, size, signed, offset, Register(Percent(baseRegister, text, index), text, index),
            Register(Percent(indexRegister, text, index), text, index), shift);
    }

    /// <summary>The offset in <c>struct pt_regs</c> of register <paramref name="name"/> (without <c>%</c>), or null for a name libbpf does not map.</summary>
    public static short? RegisterOffset(ReadOnlySpan<char> name)
    {
        foreach (var (names, offset) in Registers)
        {
            foreach (string candidate in names)
            {
                if (name.SequenceEqual(candidate))
                {
                    return offset;
                }
            }
        }

        return null;
    }

    private static ReadOnlySpan<char> Percent(ReadOnlySpan<char> register, ReadOnlySpan<char> text, int index) =>
        register.StartsWith('%') ? register[1..] : throw Unrecognized(text, index, $"'{register}' is not a %register");

    private static short Register(ReadOnlySpan<char> name, ReadOnlySpan<char> text, int index) =>
        RegisterOffset(name) ?? throw Unrecognized(text, index, $"unknown register %{name}");

    /// <summary>A decimal (or <c>0x</c> hexadecimal) integer, possibly negative.</summary>
    private static long ParseNumber(ReadOnlySpan<char> number, ReadOnlySpan<char> text, int index)
    {
        bool negative = number.StartsWith('-');
        var digits = negative || number.StartsWith('+') ? number[1..] : number;
        bool parsed = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!parsed)
        {
            throw Unrecognized(text, index, $"'{number}' is not a number");
        }

        return negative ? -(long)value : (long)value;
    }

    private static FormatException Unrecognized(ReadOnlySpan<char> text, int index, string why) =>
        new($"unrecognized USDT argument #{index} '{text}': {why}");
}
