using Ebpf.Elf;

namespace Ebpf.Specs;

internal sealed partial class ElfObjectReader
{
    /// <summary>The section clang puts <c>__arena</c> globals (address space 1) in.</summary>
    internal const string ArenaSection = ".addr_space.1";

    private string? _arenaMap;

    // As libbpf's init_arena_map_data: the __arena globals belong to the object's one arena map, which must be
    // large enough for them; their bytes are what the loader writes at the start of the arena.
    private void ReadArena()
    {
        var section = _elf.FindSection(ArenaSection);
        var arenas = _spec.Maps.Values.Where(m => m.Type == BpfMapType.Arena).ToList();
        if (arenas.Count > 1)
        {
            throw new ElfSpecException($"{arenas.Count} arena maps ({string.Join(", ", arenas.Select(m => m.Name))}); an object may have one", ".maps");
        }

        if (section is null || section.Size == 0)
        {
            return;
        }

        if (arenas.Count == 0)
        {
            throw new ElfSpecException("__arena globals, but no arena map (BPF_MAP_TYPE_ARENA) is defined", ArenaSection);
        }

        var arena = arenas[0];
        long capacity = (long)arena.MaxEntries * Environment.SystemPageSize;
        if ((long)section.Size > capacity)
        {
            throw new ElfSpecException($"the __arena globals need {section.Size} bytes; arena map '{arena.Name}' holds {arena.MaxEntries} pages ({capacity} bytes)", ArenaSection);
        }

        byte[] data = section.Type == ElfSectionType.NoBits ? new byte[section.Size] : section.Data.ToArray();
        _arenaMap = arena.Name;
        _spec.Maps[arena.Name] = arena with { ArenaData = data };
        foreach (var variable in SectionVariables(section, data, readOnly: false))
        {
            AddVariable(new VariableSpec(variable.Name, arena.Name, variable.Offset, variable.Size, data, _order, variable.Type));
        }
    }
}
