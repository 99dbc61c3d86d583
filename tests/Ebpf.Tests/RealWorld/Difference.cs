using Ebpf.Tests.Specs;

namespace Ebpf.Tests.RealWorld;

/// <summary>
/// Where our reading of an object differs from libbpf's <c>bpf_object__open</c>: one line per difference, empty when
/// they agree.
/// </summary>
public static class Difference
{
    /// <summary>Programs: names, then section, type, expected attach type, instruction slots and autoload of each.</summary>
    public static IReadOnlyList<string> Programs(CollectionSpec spec, LibbpfObject libbpf)
    {
        var differences = new List<string>();
        foreach (var expected in libbpf.Programs)
        {
            if (!spec.Programs.TryGetValue(expected.Name, out var program))
            {
                differences.Add($"program {expected.Name} ({expected.Section}): missing");
                continue;
            }

            var ours = (program.SectionName, (uint)program.Type, (uint?)program.AttachType ?? 0, OwnSlots(program.Instructions), program.Autoload);
            var theirs = (expected.Section, expected.Type, expected.AttachType, expected.InstructionCount, expected.Autoload);
            if (ours != theirs)
            {
                differences.Add($"program {expected.Name}: (section, type, attach type, slots, autoload) ours {ours}, libbpf {theirs}");
            }
        }

        foreach (var name in spec.Programs.Keys.Except(libbpf.Programs.Select(p => p.Name)))
        {
            differences.Add($"program {name}: not a program for libbpf");
        }

        return differences;
    }

    // libbpf counts a program's own instructions when it opens an object; we append the subprograms it calls, each
    // starting at an instruction that carries its symbol.
    private static int OwnSlots(Ebpf.Asm.Instructions instructions)
    {
        int slots = instructions.Count > 0 ? instructions[0].Slots : 0;
        for (int i = 1; i < instructions.Count && instructions[i].Symbol is null; i++)
        {
            slots += instructions[i].Slots;
        }

        return slots;
    }

    /// <summary>Maps: names (libbpf prefixes global data sections with the object name), type, sizes, max entries, flags.</summary>
    public static IReadOnlyList<string> Maps(CollectionSpec spec, LibbpfObject libbpf)
    {
        var differences = new List<string>();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expected in libbpf.Maps)
        {
            var map = expected.Internal
                ? spec.Maps.Values.Where(m => expected.Name.EndsWith(m.Name, StringComparison.Ordinal) && m.Name.StartsWith('.')).MaxBy(m => m.Name.Length)
                : spec.Maps.GetValueOrDefault(expected.Name);
            if (map is null)
            {
                differences.Add($"map {expected.Name}: missing");
                continue;
            }

            matched.Add(map.Name);
            var ours = ((uint)map.Type, map.KeySize, map.ValueSize, map.MaxEntries, (uint)map.Flags);
            var theirs = (expected.Shape.Type, expected.Shape.KeySize, expected.Shape.ValueSize, expected.Shape.MaxEntries, expected.Shape.Flags);
            if (ours != theirs)
            {
                differences.Add($"map {expected.Name}: (type, key, value, max entries, flags) ours {ours}, libbpf {theirs}");
            }
        }

        foreach (var name in spec.Maps.Keys.Except(matched))
        {
            differences.Add($"map {name}: not a map for libbpf");
        }

        return differences;
    }
}
