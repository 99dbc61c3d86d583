using System.Text;

namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    private Dictionary<string, uint[]>? _byEssentialName;

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

        for (var spec = this; spec is not null; spec = spec.Base)
        {
            var index = LazyInitializer.EnsureInitialized(ref spec._byEssentialName, () => spec.BuildNameIndex(essential: true));
            if (index.TryGetValue(EssentialName(name), out var ids))
            {
                int insertAt = 0; // base ids are smaller: put them first
                foreach (uint id in ids)
                {
                    if (kind is null || Record(id).Kind == kind)
                    {
                        result.Insert(insertAt++, id);
                    }
                }
            }
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

    private Dictionary<string, uint[]> BuildNameIndex(bool essential)
    {
        var lists = new Dictionary<string, List<uint>>(StringComparer.Ordinal);
        for (int i = 0; i < _offsets.Length; i++)
        {
            uint nameOffset = ReadWord(_offsets[i]);
            if (nameOffset == 0)
            {
                continue;
            }

            string name = GetString(nameOffset);
            if (essential)
            {
                name = EssentialName(name);
            }

            if (!lists.TryGetValue(name, out var ids))
            {
                lists[name] = ids = new List<uint>(1);
            }

            ids.Add(FirstTypeId + (uint)i);
        }

        var index = new Dictionary<string, uint[]>(lists.Count, StringComparer.Ordinal);
        foreach (var (name, ids) in lists)
        {
            index[name] = ids.ToArray();
        }

        return index;
    }
}
