using System.Text;

namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    /// <summary>Ids of the types with a name, of any kind or of one kind, in id order (a base's first).
    /// The name index is built on first use.</summary>
    /// <param name="name">The name to look for.</param>
    /// <param name="kind">Only this kind, or null for any kind.</param>
    /// <param name="ignoreFlavor">Compare names without a CO-RE flavor suffix (<c>___something</c>) on either side,
    /// so <c>task_struct___old</c> finds <c>task_struct</c>.</param>
    /// <returns>The matching ids; empty when none match.</returns>
    public IReadOnlyList<uint> FindIds(string name, BtfKind? kind = null, bool ignoreFlavor = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = new List<uint>();
        if (!ignoreFlavor)
        {
            int max = Encoding.UTF8.GetMaxByteCount(name.Length);
            Span<byte> utf8 = max <= 256 ? stackalloc byte[256] : new byte[max];
            utf8 = utf8[..Encoding.UTF8.GetBytes(name, utf8)];
            for (var spec = this; spec is not null; spec = spec.Base)
            {
                spec.AddExactMatches(utf8, kind, result, insertAt: 0); // base ids are smaller: put them first
            }

            return result;
        }

        string essential = EssentialName(name);
        int essentialMax = Encoding.UTF8.GetMaxByteCount(essential.Length);
        Span<byte> essentialUtf8 = essentialMax <= 256 ? stackalloc byte[256] : new byte[essentialMax];
        essentialUtf8 = essentialUtf8[..Encoding.UTF8.GetBytes(essential, essentialUtf8)];
        for (var spec = this; spec is not null; spec = spec.Base)
        {
            spec.AddFlavorMatches(essentialUtf8, kind, result, insertAt: 0); // base ids are smaller: put them first
        }

        return result;
    }

    /// <summary>The types with a name, as <see cref="FindIds"/> finds them.</summary>
    /// <param name="name">The name to look for.</param>
    /// <param name="kind">Only this kind, or null for any kind.</param>
    /// <param name="ignoreFlavor">Ignore CO-RE flavor suffixes (<c>___something</c>).</param>
    /// <returns>The matching types in id order.</returns>
    public IReadOnlyList<BtfType> FindTypes(string name, BtfKind? kind = null, bool ignoreFlavor = false) =>
        FindIds(name, kind, ignoreFlavor).Select(GetTypeById).ToArray();

    /// <summary>A name without its CO-RE flavor suffix: <c>task_struct___old</c> becomes <c>task_struct</c>.
    /// The suffix starts at the last <c>___</c> that has a non-underscore on both sides.</summary>
    /// <param name="name">A type or field name.</param>
    /// <returns>The essential part of the name.</returns>
    public static string EssentialName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = name.Length - 5; i >= 0; i--)
        {
            if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' && name[i + 4] != '_')
            {
                return name[..(i + 1)];
            }
        }

        return name;
    }
}
