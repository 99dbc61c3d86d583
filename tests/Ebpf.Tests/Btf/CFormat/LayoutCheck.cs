using System.Globalization;
using System.Text;
using Ebpf.Btf;

namespace Ebpf.Tests.Btf.CFormat;

/// <summary>
/// Checks that a generated header lays structs out as the BTF says: a C file includes the header, asserts
/// <c>sizeof</c> and <c>__builtin_offsetof</c> of each chosen struct and defines a variable of it; clang compiles
/// it with <c>-g</c>, and the BTF clang emits must give every member (bitfields too) the same bit offset and size.
/// </summary>
public static class LayoutCheck
{
    /// <summary>Named structs and unions whose name no other type has, so their C name is their BTF name, and whose
    /// layout C can express (see <see cref="Expressible"/>); every <paramref name="step"/>th of them.</summary>
    public static List<BtfComposite> Sample(BtfSpec spec, int step = 1)
    {
        var chosen = new List<BtfComposite>();
        var memo = new Dictionary<uint, bool>();
        int seen = 0;
        for (uint id = 1; id <= spec.LastTypeId; id++)
        {
            if (spec[id] is BtfComposite { Name.Length: > 0 } c && spec.FindIds(c.Name).Count == 1
                && Expressible(spec, c, memo) && seen++ % step == 0)
            {
                chosen.Add(c);
            }
        }

        return chosen;
    }

    /// <summary>
    /// False when the struct embeds something the C header cannot reproduce for the BPF target, by libbpf's
    /// design as much as ours: <c>va_list</c> (the target's own <c>__builtin_va_list</c> has another size), an unnamed
    /// member of a named struct type (<c>struct ns_tree;</c> declares nothing in standard C), or a packed union
    /// (libbpf only ever marks structs packed).
    /// </summary>
    private static bool Expressible(BtfSpec spec, BtfComposite composite, Dictionary<uint, bool> memo)
    {
        if (memo.TryGetValue(composite.Id, out bool known))
        {
            return known;
        }

        memo[composite.Id] = true; // through a cycle: decided by the other members
        bool ok = true;
        int maxAlignment = 1;
        foreach (var m in composite.Members)
        {
            maxAlignment = Math.Max(maxAlignment, spec.TryGetAlignment(m.TypeId, out int alignment) ? alignment : 1);
            if (Contains(spec, m.TypeId, "__builtin_va_list"))
            {
                ok = false;
                break;
            }

            var inner = spec.ResolveUnderlying(m.TypeId);
            while (inner is BtfArray a)
            {
                inner = spec.ResolveUnderlying(a.ElementTypeId);
            }

            if (inner is BtfComposite c)
            {
                if ((m.Name.Length == 0 && c.Name.Length != 0) || !Expressible(spec, c, memo))
                {
                    ok = false;
                    break;
                }
            }

        }

        ok &= composite is BtfStruct || composite.Size % maxAlignment == 0;
        memo[composite.Id] = ok;
        return ok;
    }

    /// <summary>Whether a type is, or is an array or qualified form of, the typedef <paramref name="typedefName"/>.</summary>
    private static bool Contains(BtfSpec spec, uint id, string typedefName)
    {
        for (int steps = 0; steps < 64 && id != 0; steps++)
        {
            var type = spec[id];
            if (type is BtfTypedef { } named && named.Name == typedefName)
            {
                return true;
            }

            id = type switch
            {
                BtfTypedef t => t.TypeId,
                BtfConst c => c.TypeId,
                BtfVolatile v => v.TypeId,
                BtfRestrict r => r.TypeId,
                BtfTypeTag g => g.TypeId,
                BtfArray a => a.ElementTypeId,
                _ => 0,
            };
        }

        return false;
    }

    /// <summary>Compiles the checks against <paramref name="header"/> (fails the test on a static assertion) and compares
    /// the compiled layout with the BTF; returns the number of types checked.</summary>
    public static int Verify(BtfSpec spec, string header, IReadOnlyList<BtfComposite> types, string directory)
    {
        File.WriteAllText(Path.Combine(directory, "vmlinux.h"), header);
        string source = Path.Combine(directory, "layout.c");
        File.WriteAllText(source, Source(types));
        var compiled = BtfSpec.Parse(Clang.CompileBtf(source, directory, "-O0", "-ferror-limit=100"));

        var problems = new List<string>();
        foreach (var expected in types)
        {
            var ids = compiled.FindIds(expected.Name, expected.Kind);
            if (ids.Count != 1)
            {
                problems.Add($"{Keyword(expected)} {expected.Name}: {ids.Count} types of that name after compiling");
                continue;
            }

            Compare(spec, expected, compiled, (BtfComposite)compiled[ids[0]], $"{Keyword(expected)} {expected.Name}", problems);
        }

        Assert.That(problems, Is.Empty, () => string.Join('\n', problems.Take(30)));
        return types.Count;
    }

    private static string Keyword(BtfComposite c) => c is BtfStruct ? "struct" : "union";

    private static string Source(IReadOnlyList<BtfComposite> types)
    {
        var text = new StringBuilder("#include \"vmlinux.h\"\n\n");
        for (int i = 0; i < types.Count; i++)
        {
            var c = types[i];
            string type = $"{Keyword(c)} {c.Name}";
            text.Append(CultureInfo.InvariantCulture, $"{type} layout_{i};\n");
            text.Append(CultureInfo.InvariantCulture, $"_Static_assert(sizeof({type}) == {c.Size}, \"sizeof({type})\");\n");
            foreach (var m in c.Members)
            {
                if (m.Name.Length != 0 && m.BitfieldSize == 0)
                {
                    text.Append(CultureInfo.InvariantCulture,
                        $"_Static_assert(__builtin_offsetof({type}, {m.Name}) == {m.BitOffset / 8}, \"offsetof({type}, {m.Name})\");\n");
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Compares sizes and members, going into anonymous struct and union members.</summary>
    private static void Compare(BtfSpec spec, BtfComposite expected, BtfSpec compiledSpec, BtfComposite compiled, string path, List<string> problems)
    {
        if (expected.Size != compiled.Size)
        {
            problems.Add($"{path}: size {compiled.Size}, BTF says {expected.Size}");
        }

        if (expected.Members.Count != compiled.Members.Count)
        {
            problems.Add($"{path}: {compiled.Members.Count} members, BTF says {expected.Members.Count}");
            return;
        }

        for (int i = 0; i < expected.Members.Count; i++)
        {
            var e = expected.Members[i];
            var a = compiled.Members[i];
            string where = $"{path}.{(e.Name.Length == 0 ? $"<anon {i}>" : e.Name)}";
            if (e.Name != a.Name || e.BitOffset != a.BitOffset || e.BitfieldSize != a.BitfieldSize)
            {
                problems.Add($"{where}: compiled as {a.Name} at bit {a.BitOffset} ({a.BitfieldSize} bits), BTF says {e.Name} at bit {e.BitOffset} ({e.BitfieldSize} bits)");
            }

            if (spec.ResolveUnderlying(e.TypeId, skipTypedefs: false) is BtfComposite { Name.Length: 0 } inner
                && compiledSpec.ResolveUnderlying(a.TypeId, skipTypedefs: false) is BtfComposite { Name.Length: 0 } compiledInner)
            {
                Compare(spec, inner, compiledSpec, compiledInner, where, problems);
            }
        }
    }
}
