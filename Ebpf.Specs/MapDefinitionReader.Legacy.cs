using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

/// <content>Legacy <c>maps</c> sections: <c>struct bpf_map_def</c> and iproute2's <c>struct bpf_elf_map</c>.</content>
internal static partial class MapDefinitionReader
{
    /// <summary>Fields of a legacy definition, each a <c>u32</c>: libbpf's five, then iproute2's four.</summary>
    private const int LegacyFieldCount = 9;

    /// <summary>iproute2's <c>NO_PREPOPULATE</c>: an inner map not inserted into its outer map.</summary>
    private const uint NoPrepopulate = uint.MaxValue;

    /// <summary>One <see cref="MapSpec"/> per symbol of a legacy <c>maps</c> section.</summary>
    /// <remarks>
    /// As libbpf does, the record size is the section size divided by the number of symbols in it. A record holds
    /// <c>type, key_size, value_size, max_entries, map_flags</c> (<c>struct bpf_map_def</c>, 20 bytes) and, in
    /// iproute2's <c>struct bpf_elf_map</c> (36 bytes), <c>id, pinning, inner_id, inner_idx</c>: a map-in-map's
    /// <c>inner_id</c> names the <c>id</c> of its inner template, and every map with that <c>id</c> and an
    /// <c>inner_idx</c> other than -1 becomes its entry at that index. Shorter records leave later fields 0; bytes
    /// beyond the known fields must be zero. iproute2's object and global pinning both become
    /// <see cref="PinType.ByName"/>. Legacy maps carry no key or value BTF.
    /// </remarks>
    internal static IReadOnlyList<MapSpec> ReadLegacyMaps(ElfFile elf, ElfSection section, BtfSpec? btf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ArgumentNullException.ThrowIfNull(section);

        var symbols = new List<ElfSymbol>();
        foreach (var symbol in elf.Symbols)
        {
            if (symbol.SectionIndex == (uint)section.Index && symbol.Type != ElfSymbolType.Section)
            {
                symbols.Add(symbol);
            }
        }

        if (symbols.Count == 0)
        {
            return [];
        }

        var data = section.HasData ? section.Data.Span : default;
        if (data.Length == 0 || data.Length % symbols.Count != 0)
        {
            throw new MapDefinitionException($"section '{section.Name}': cannot split {data.Length} bytes into {symbols.Count} map definitions");
        }

        int recordSize = data.Length / symbols.Count;
        symbols.Sort((a, b) => a.Value.CompareTo(b.Value));
        var records = new List<(MapSpec Spec, uint[] Fields)>(symbols.Count);
        foreach (var symbol in symbols)
        {
            string name = symbol.Name;
            if (name.Length == 0)
            {
                throw new MapDefinitionException($"section '{section.Name}': map definition at offset {symbol.Value} has no name");
            }

            if (symbol.Value > (ulong)data.Length || (ulong)data.Length - symbol.Value < (ulong)recordSize)
            {
                throw new MapDefinitionException($"map '{name}': definition at offset {symbol.Value} runs past section '{section.Name}'");
            }

            var record = data.Slice((int)symbol.Value, recordSize);
            var fields = new uint[LegacyFieldCount];
            int known = Math.Min(LegacyFieldCount, recordSize / 4);
            for (int i = 0; i < known; i++)
            {
                fields[i] = ReadU32(elf, record, i * 4);
            }

            if (record[(known * 4)..].IndexOfAnyExcept((byte)0) >= 0)
            {
                throw new MapDefinitionException($"map '{name}': the {recordSize}-byte definition has non-zero bytes beyond the known fields");
            }

            var pinning = fields[6] switch
            {
                0 => PinType.None,
                1 or 2 => PinType.ByName,
                _ => throw new MapDefinitionException($"map '{name}': iproute2 pinning {fields[6]} (a custom namespace) is not supported"),
            };
            var spec = new MapSpec
            {
                Name = name,
                Type = (BpfMapType)fields[0],
                KeySize = fields[1],
                ValueSize = fields[2],
                MaxEntries = fields[3],
                Flags = (BpfMapFlags)fields[4],
                Pinning = pinning,
                SectionName = section.Name,
            };
            records.Add((spec, fields));
        }

        return LinkLegacyMapInMaps(elf, records);
    }

    /// <summary>Applies iproute2's <c>id</c> / <c>inner_id</c> / <c>inner_idx</c>: inner templates and initial entries.</summary>
    private static MapSpec[] LinkLegacyMapInMaps(ElfFile elf, List<(MapSpec Spec, uint[] Fields)> records)
    {
        var result = new MapSpec[records.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var (spec, fields) = records[i];
            uint innerId = fields[7];
            if (innerId == 0)
            {
                result[i] = spec;
                continue;
            }

            if (spec.Type is not (BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps))
            {
                throw new MapDefinitionException($"map '{spec.Name}': inner_id {innerId} on a {spec.Type} map, which is not a map-in-map");
            }

            MapSpec? template = null;
            var entries = new List<(uint Index, MapEntry Entry)>();
            foreach (var (candidate, candidateFields) in records)
            {
                if (candidateFields[5] != innerId)
                {
                    continue;
                }

                template ??= candidate;
                uint index = candidateFields[8];
                if (index != NoPrepopulate)
                {
                    string context = $"map '{spec.Name}' entry {index}";
                    entries.Add((index, new MapEntry(EncodeKey(elf, index, spec.KeySize, context), ReadOnlyMemory<byte>.Empty, candidate.Name)));
                }
            }

            if (template is null)
            {
                throw new MapDefinitionException($"map '{spec.Name}': no map has the id {innerId} its inner_id names");
            }

            entries.Sort((a, b) => a.Index.CompareTo(b.Index));
            result[i] = spec with { InnerMap = template, Contents = entries.ConvertAll(e => e.Entry).ToArray() };
        }

        return result;
    }
}
