using System.Collections.Concurrent;
using System.Text;

namespace Ebpf.Kernel;

/// <summary>
/// Text in fixed C <c>char</c> arrays of events (<c>char comm[16]</c>, <c>char filename[256]</c>): the bytes before
/// the first NUL (all of them when there is none), decoded as UTF-8 (invalid bytes become U+FFFD). The generated
/// structs' arrays convert to <c>ReadOnlySpan&lt;byte&gt;</c>: <c>FixedString.Intern(e.Comm)</c>.
/// </summary>
public static class FixedString
{
    /// <summary>The largest field <see cref="Intern"/> caches; longer ones are decoded each time.</summary>
    public const int MaxInternedBytes = 64;

    private const int MaxInterned = 4096;

    private static readonly ConcurrentDictionary<string, string> Interned = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> InternedBySpan =
        Interned.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The bytes of <paramref name="field"/> before its first NUL.</summary>
    public static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return end < 0 ? field : field[..end];
    }

    /// <summary>The text of <paramref name="field"/> as a new string.</summary>
    public static string Decode(ReadOnlySpan<byte> field) => Encoding.UTF8.GetString(Bytes(field));

    /// <summary>Decodes <paramref name="field"/> into <paramref name="destination"/> without allocating.</summary>
    /// <returns>False when <paramref name="destination"/> is too short (<paramref name="charsWritten"/> is then 0).</returns>
    public static bool TryDecode(ReadOnlySpan<byte> field, Span<char> destination, out int charsWritten) =>
        Encoding.UTF8.TryGetChars(Bytes(field), destination, out charsWritten);

    /// <summary>
    /// The text of <paramref name="field"/>, the same string instance for the same text: the first time a text is seen
    /// it is stored (up to 4096 texts of at most <see cref="MaxInternedBytes"/> bytes, process-wide, thread-safe), later
    /// ones are found without allocating. Suits fields with few distinct values, such as command names.
    /// </summary>
    public static string Intern(ReadOnlySpan<byte> field)
    {
        var bytes = Bytes(field);
        if (bytes.Length > MaxInternedBytes)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        Span<char> chars = stackalloc char[MaxInternedBytes];
        int length = Encoding.UTF8.GetChars(bytes, chars);
        var text = chars[..length];
        if (InternedBySpan.TryGetValue(text, out var found))
        {
            return found;
        }

        string made = text.ToString();
        return Interned.Count < MaxInterned ? Interned.GetOrAdd(made, made) : made;
    }
}
