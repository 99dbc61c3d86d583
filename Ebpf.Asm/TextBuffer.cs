using System.Buffers;
using System.Globalization;

namespace Ebpf.Asm;

/// <summary>
/// A growable character buffer over a caller-provided span (usually stack memory) that rents from
/// <see cref="ArrayPool{T}"/> only when the text outgrows it. Used by the formatters so that the
/// hot path does not allocate.
/// </summary>
internal ref struct TextBuffer
{
    private Span<char> _chars;
    private char[]? _rented;
    private int _length;

    public TextBuffer(Span<char> initial)
    {
        _chars = initial;
        _rented = null;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<char> Written => _chars.Slice(0, _length);

    public void Append(char c)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _chars.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_chars.Slice(_length));
        _length += text.Length;
    }

    public void Append(string? text) => Append(text.AsSpan());

    /// <summary>Appends the text C's <c>printf("%s")</c> prints: <c>(null)</c> for a null string.</summary>
    public void AppendOrNull(string? text) => Append(text ?? "(null)");

    /// <summary>Appends a decimal number, like <c>%d</c>.</summary>
    public void AppendDecimal(long value) => AppendFormatted(value, default);

    /// <summary>Appends a decimal number with an explicit sign, like <c>%+d</c>.</summary>
    public void AppendSigned(long value)
    {
        if (value >= 0)
        {
            Append('+');
        }

        AppendDecimal(value);
    }

    /// <summary>Appends lower-case hexadecimal digits without a prefix, like <c>%x</c> / <c>%llx</c>.</summary>
    public void AppendHex(ulong value) => AppendFormatted(value, "x");

    /// <summary>Appends <c>0x</c> and lower-case hexadecimal digits, like <c>0x%x</c>.</summary>
    public void AppendHexWithPrefix(ulong value)
    {
        Append("0x");
        AppendHex(value);
    }

    /// <summary>Appends two lower-case hexadecimal digits, like <c>%02x</c>.</summary>
    public void AppendHexByte(byte value)
    {
        const string digits = "0123456789abcdef";
        Append(digits[value >> 4]);
        Append(digits[value & 0x0f]);
    }

    public void Clear() => _length = 0;

    public void Dispose()
    {
        char[]? rented = _rented;
        _rented = null;
        _chars = default;
        if (rented != null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    public override readonly string ToString() => new(Written);

    private void AppendFormatted<T>(T value, ReadOnlySpan<char> format)
        where T : ISpanFormattable
    {
        int written;
        while (!value.TryFormat(_chars.Slice(_length), out written, format, CultureInfo.InvariantCulture))
        {
            Grow(32);
        }

        _length += written;
    }

    private void Grow(int additional)
    {
        int size = Math.Max(_chars.Length * 2, _length + additional + 16);
        char[] next = ArrayPool<char>.Shared.Rent(size);
        _chars.Slice(0, _length).CopyTo(next);
        char[]? old = _rented;
        _chars = next;
        _rented = next;
        if (old != null)
        {
            ArrayPool<char>.Shared.Return(old);
        }
    }
}
