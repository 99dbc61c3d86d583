using System.Text.Json.Serialization;
using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Cli.Inspect;

/// <summary>What <c>ebpf inspect</c> shows of an object: its programs, maps and variables, in name order.</summary>
/// <param name="Programs">The programs.</param>
/// <param name="Maps">The maps.</param>
/// <param name="Variables">The global variables.</param>
public sealed record InspectReport(
    [property: JsonPropertyName("programs")] IReadOnlyList<InspectedProgram> Programs,
    [property: JsonPropertyName("maps")] IReadOnlyList<InspectedMap> Maps,
    [property: JsonPropertyName("variables")] IReadOnlyList<InspectedVariable> Variables)
{
    /// <summary>The report of a collection spec.</summary>
    public static InspectReport From(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var programs = spec.Programs.Values
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new InspectedProgram(
                p.Name,
                p.SectionName,
                Spelling(KernelNames.Of(p.Type), "BPF_PROG_TYPE_"),
                p.AttachType is { } attach ? Spelling(KernelNames.Of(attach), "BPF_") : null,
                OwnSlots(p.Instructions),
                p.Instructions.Sum(i => i.Slots)))
            .ToList();
        var maps = spec.Maps.Values
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new InspectedMap(m.Name, m.SectionName, Spelling(KernelNames.Of(m.Type), "BPF_MAP_TYPE_"), m.KeySize, m.ValueSize, m.MaxEntries, (uint)m.Flags))
            .ToList();
        var variables = spec.Variables.Values
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .Select(v => new InspectedVariable(v.Name, v.MapName, spec.Maps.TryGetValue(v.MapName, out var map) ? map.SectionName : null, v.Offset, v.Size))
            .ToList();
        return new InspectReport(programs, maps, variables);
    }

    /// <summary>
    /// The slots of the entry function alone: linked instructions start with it, and each subprogram appended after it
    /// begins with an instruction carrying its symbol.
    /// </summary>
    private static int OwnSlots(Instructions instructions)
    {
        int slots = 0;
        for (int i = 0; i < instructions.Count; i++)
        {
            if (i > 0 && instructions[i].Symbol is not null)
            {
                break;
            }

            slots += instructions[i].Slots;
        }

        return slots;
    }

    /// <summary>bpftool's spelling of a kernel name: without its prefix, in lower case.</summary>
    private static string Spelling(string cName, string prefix) =>
        (cName.StartsWith(prefix, StringComparison.Ordinal) ? cName[prefix.Length..] : cName).ToLowerInvariant();
}
