using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

/// <summary>
/// Reads map definitions from an object's map sections: BTF-defined maps (<c>.maps</c>), legacy
/// <c>bpf_map_def</c> maps (<c>maps</c>, incl. iproute2's extended layout) and <c>struct_ops</c> maps.
/// The ELF reader (<see cref="CollectionSpec.Load(string)"/>) calls these; global data maps are built by the reader itself.
/// </summary>
/// <remarks>
/// The rules are libbpf's: a BTF map definition is a struct whose members encode the attributes
/// (<c>int (*name)[N]</c> for a number N, <c>T *key</c> for a type), unknown members are errors, and
/// <c>values</c> (last member, an array of pointers) initialises a program array or map-in-map through the
/// section's relocations. Malformed definitions throw <see cref="MapDefinitionException"/>.
/// </remarks>
internal static partial class MapDefinitionReader
{
    /// <summary>One <see cref="MapSpec"/> per variable of the <c>.maps</c> DATASEC, with inner map templates and
    /// <c>values</c> contents (prog array / map-in-map entries whose <see cref="MapEntry.ValueReference"/> names a program or map).</summary>
    internal static IReadOnlyList<MapSpec> ReadBtfMaps(ElfFile elf, ElfSection section, BtfSpec btf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(btf);

        var dataSec = FindDataSec(btf, section);
        var symbols = SymbolsIn(elf, section);
        var definitions = new List<PlacedDefinition>(dataSec.Variables.Count);
        foreach (var info in dataSec.Variables)
        {
            if (!btf.TryGetTypeById(info.TypeId, out var type) || type is not BtfVar variable)
            {
                throw new MapDefinitionException($"section '{section.Name}': DATASEC entry {info.TypeId} is not a VAR");
            }

            var (offset, size) = LocateVariable(section, dataSec, info, variable.Name, symbols);
            var definition = ParseDefinition(btf, variable.Name, variable.TypeId, section.Name, isInner: false);
            definitions.Add(new PlacedDefinition(definition, offset, size));
        }

        var contents = ReadValues(elf, section, definitions);
        var maps = new MapSpec[definitions.Count];
        for (int i = 0; i < maps.Length; i++)
        {
            var spec = definitions[i].Definition.Spec;
            maps[i] = contents[i] is { } entries ? spec with { Contents = entries } : spec;
        }

        return maps;
    }

    /// <summary>Parses one BTF map definition struct (libbpf's <c>parse_btf_map_def</c>).</summary>
    private static BtfMapDefinition ParseDefinition(BtfSpec btf, string name, uint typeId, string sectionName, bool isInner)
    {
        var type = Resolve(btf, typeId, name, "definition");
        if (type is not BtfStruct definition)
        {
            throw new MapDefinitionException($"map '{name}': the definition is a {type.Kind}, not a struct");
        }

        BpfMapType? mapType = null;
        uint keySize = 0, valueSize = 0, maxEntries = 0, numaNode = 0;
        BpfMapFlags flags = BpfMapFlags.None;
        ulong mapExtra = 0;
        PinType pinning = PinType.None;
        BtfType? key = null, value = null;
        MapSpec? inner = null;
        long valuesOffset = -1;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < definition.Members.Count; i++)
        {
            var member = definition.Members[i];
            if (!seen.Add(member.Name))
            {
                throw new MapDefinitionException($"map '{name}': field '{member.Name}' appears twice");
            }

            switch (member.Name)
            {
                case "type":
                    mapType = (BpfMapType)FieldInt(btf, name, member);
                    break;
                case "max_entries":
                    maxEntries = FieldInt(btf, name, member);
                    break;
                case "map_flags":
                    flags = (BpfMapFlags)FieldInt(btf, name, member);
                    break;
                case "numa_node":
                    numaNode = FieldInt(btf, name, member);
                    break;
                case "map_extra":
                    mapExtra = FieldLong(btf, name, member);
                    break;
                case "pinning":
                    uint pin = FieldInt(btf, name, member);
                    if (isInner)
                    {
                        throw new MapDefinitionException($"map '{name}': an inner map definition cannot be pinned");
                    }

                    pinning = pin switch
                    {
                        0 => PinType.None,
                        1 => PinType.ByName,
                        _ => throw new MapDefinitionException($"map '{name}': unknown pinning value {pin} (0 = none, 1 = by name)"),
                    };
                    break;
                case "key_size":
                    keySize = MergeSize(name, "key", keySize, FieldInt(btf, name, member));
                    break;
                case "value_size":
                    valueSize = MergeSize(name, "value", valueSize, FieldInt(btf, name, member));
                    break;
                case "key":
                    (key, uint keyTypeSize) = FieldType(btf, name, member);
                    keySize = MergeSize(name, "key", keySize, keyTypeSize);
                    break;
                case "value":
                    (value, uint valueTypeSize) = FieldType(btf, name, member);
                    valueSize = MergeSize(name, "value", valueSize, valueTypeSize);
                    break;
                case "values":
                    if (isInner)
                    {
                        throw new MapDefinitionException($"map '{name}': an inner map cannot have 'values' (multi-level map-in-map)");
                    }

                    if (i != definition.Members.Count - 1)
                    {
                        throw new MapDefinitionException($"map '{name}': 'values' must be the last field");
                    }

                    inner = ParseValuesField(btf, name, member, mapType, sectionName);
                    valueSize = MergeSize(name, "value", valueSize, 4);
                    if (member.BitOffset % 8 != 0)
                    {
                        throw new MapDefinitionException($"map '{name}': 'values' is not byte aligned");
                    }

                    valuesOffset = member.BitOffset / 8;
                    break;
                default:
                    throw new MapDefinitionException($"map '{name}': unknown field '{member.Name}' in the map definition");
            }
        }

        if (mapType is not { } resolvedType)
        {
            throw new MapDefinitionException($"map '{name}': the definition has no 'type'");
        }

        var spec = new MapSpec
        {
            Name = name,
            Type = resolvedType,
            KeySize = keySize,
            ValueSize = valueSize,
            MaxEntries = resolvedType is BpfMapType.Ringbuf or BpfMapType.UserRingbuf ? RingBufferSize(maxEntries) : maxEntries,
            Flags = flags,
            MapExtra = mapExtra,
            NumaNode = numaNode,
            Pinning = pinning,
            SectionName = sectionName,
            InnerMap = inner,
            Btf = btf,
            Key = key,
            Value = value,
        };
        return new BtfMapDefinition(spec, valuesOffset);
    }

    /// <summary>
    /// Checks the <c>values</c> field: a zero-length array of pointers to function prototypes (program array) or to
    /// a map definition struct (map-in-map, returned as the inner map template).
    /// </summary>
    private static MapSpec? ParseValuesField(BtfSpec btf, string name, BtfMember member, BpfMapType? mapType, string sectionName)
    {
        bool isProgArray = mapType == BpfMapType.ProgArray;
        bool isMapInMap = mapType is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps;
        if (!isProgArray && !isMapInMap)
        {
            throw new MapDefinitionException($"map '{name}': 'values' needs a program array or map-in-map type declared before it, not {mapType?.ToString() ?? "none"}");
        }

        if (Resolve(btf, member.TypeId, name, "values") is not BtfArray { Count: 0 } array)
        {
            throw new MapDefinitionException($"map '{name}': 'values' must be a zero-length array of pointers");
        }

        if (Resolve(btf, array.ElementTypeId, name, "values") is not BtfPointer pointer)
        {
            throw new MapDefinitionException($"map '{name}': 'values' must be an array of pointers");
        }

        var target = Resolve(btf, pointer.TypeId, name, "values");
        if (isProgArray)
        {
            return target is BtfFuncProto
                ? null
                : throw new MapDefinitionException($"map '{name}': 'values' of a program array must point to function prototypes, not {target.Kind}");
        }

        if (target is not BtfStruct)
        {
            throw new MapDefinitionException($"map '{name}': 'values' of a map-in-map must point to a map definition struct, not {target.Kind}");
        }

        return ParseDefinition(btf, name + ".inner", pointer.TypeId, sectionName, isInner: true).Spec;
    }

    /// <summary>
    /// The <c>values</c> initialisers: each relocation in a map's <c>values</c> array becomes an entry whose key is
    /// the slot index and whose value names the program or map the slot points at.
    /// </summary>
    private static MapEntry[]?[] ReadValues(ElfFile elf, ElfSection section, List<PlacedDefinition> definitions)
    {
        var result = new MapEntry[]?[definitions.Count];
        if (RelocationsFor(elf, section) is not { } table)
        {
            return result;
        }

        var mapNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var placed in definitions)
        {
            mapNames.Add(placed.Definition.Spec.Name);
        }

        var entries = new List<(uint Index, MapEntry Entry)>?[definitions.Count];
        foreach (var relocation in table)
        {
            int owner = definitions.FindIndex(d => relocation.Offset >= d.Offset && relocation.Offset - d.Offset < d.Size);
            if (owner < 0)
            {
                throw new MapDefinitionException($"section '{section.Name}': relocation at offset {relocation.Offset} lies outside every map definition");
            }

            var placed = definitions[owner];
            var spec = placed.Definition.Spec;
            ulong fieldOffset = relocation.Offset - placed.Offset;
            if (placed.Definition.ValuesOffset < 0 || fieldOffset < (ulong)placed.Definition.ValuesOffset)
            {
                throw new MapDefinitionException($"map '{spec.Name}': relocation at offset {fieldOffset} of the definition is not in its 'values' array");
            }

            ulong slot = fieldOffset - (ulong)placed.Definition.ValuesOffset;
            if (slot % PointerSize != 0)
            {
                throw new MapDefinitionException($"map '{spec.Name}': relocation at offset {fieldOffset} is not on a 'values' slot");
            }

            ulong index = slot / PointerSize;
            if (index >= spec.MaxEntries)
            {
                throw new MapDefinitionException($"map '{spec.Name}': 'values' slot {index} is beyond max_entries {spec.MaxEntries}");
            }

            string context = $"map '{spec.Name}' slot {index}";
            var target = ResolveTarget(elf, table, relocation, section, context);
            string targetName = target.Name;
            if (spec.Type == BpfMapType.ProgArray)
            {
                if (target.Type != ElfSymbolType.Function || target.SectionIndex == (uint)section.Index)
                {
                    throw new MapDefinitionException($"{context}: '{targetName}' is not a program");
                }
            }
            else if (target.SectionIndex != (uint)section.Index || !mapNames.Contains(targetName))
            {
                throw new MapDefinitionException($"{context}: '{targetName}' is not a map of '{section.Name}'");
            }

            var key = EncodeKey(elf, (uint)index, spec.KeySize, context);
            (entries[owner] ??= []).Add(((uint)index, new MapEntry(key, ReadOnlyMemory<byte>.Empty, targetName)));
        }

        for (int i = 0; i < entries.Length; i++)
        {
            if (entries[i] is { } list)
            {
                list.Sort((a, b) => a.Index.CompareTo(b.Index));
                result[i] = list.ConvertAll(e => e.Entry).ToArray();
            }
        }

        return result;
    }

    /// <summary>A number encoded as <c>int (*name)[N]</c> (libbpf's <c>__uint</c>).</summary>
    private static uint FieldInt(BtfSpec btf, string name, BtfMember member)
    {
        if (Resolve(btf, member.TypeId, name, member.Name) is not BtfPointer pointer)
        {
            throw new MapDefinitionException($"map '{name}': field '{member.Name}' must be a pointer to an array (__uint), not {btf.GetKind(member.TypeId)}");
        }

        return Resolve(btf, pointer.TypeId, name, member.Name) is BtfArray array
            ? array.Count
            : throw new MapDefinitionException($"map '{name}': field '{member.Name}' must point to an array (__uint)");
    }

    /// <summary>A 64-bit number: an enum with one enumerator (libbpf's <c>__ulong</c>) or <c>int (*name)[N]</c>.</summary>
    private static ulong FieldLong(BtfSpec btf, string name, BtfMember member)
    {
        var type = Resolve(btf, member.TypeId, name, member.Name);
        if (type is BtfEnumeration enumeration)
        {
            return enumeration.Values.Count == 1
                ? (ulong)enumeration.Values[0].Value
                : throw new MapDefinitionException($"map '{name}': field '{member.Name}' must be an enum with exactly one value (__ulong)");
        }

        return FieldInt(btf, name, member);
    }

    /// <summary>A type encoded as <c>T *name</c> (libbpf's <c>__type</c>): the type as declared and its size.</summary>
    private static (BtfType Type, uint Size) FieldType(BtfSpec btf, string name, BtfMember member)
    {
        if (Resolve(btf, member.TypeId, name, member.Name) is not BtfPointer pointer)
        {
            throw new MapDefinitionException($"map '{name}': field '{member.Name}' must be a pointer to the type (__type)");
        }

        try
        {
            if (pointer.TypeId == 0 || !btf.TryGetSize(pointer.TypeId, out long size) || size > uint.MaxValue)
            {
                throw new MapDefinitionException($"map '{name}': the type of '{member.Name}' has no size");
            }

            return (btf[pointer.TypeId], (uint)size);
        }
        catch (Exception e) when (e is BtfFormatException or ArgumentOutOfRangeException)
        {
            throw new MapDefinitionException($"map '{name}': the type of '{member.Name}' is malformed: {e.Message}", e);
        }
    }

    /// <summary>A size from a second source must agree with the first (libbpf's "conflicting key size").</summary>
    private static uint MergeSize(string name, string what, uint current, uint size) =>
        current == 0 || current == size
            ? size
            : throw new MapDefinitionException($"map '{name}': conflicting {what} size {current} != {size}");

    /// <summary>The type under typedefs and qualifiers, BTF errors wrapped with the map's name.</summary>
    private static BtfType Resolve(BtfSpec btf, uint typeId, string name, string field)
    {
        try
        {
            return btf.ResolveUnderlying(typeId);
        }
        catch (Exception e) when (e is BtfFormatException or ArgumentOutOfRangeException or KeyNotFoundException)
        {
            throw new MapDefinitionException($"map '{name}': field '{field}' refers to a bad type {typeId}: {e.Message}", e);
        }
    }

    /// <summary>A parsed definition and the byte offset of its <c>values</c> array (-1 when it has none).</summary>
    private readonly record struct BtfMapDefinition(MapSpec Spec, long ValuesOffset);

    /// <summary>A definition and where its variable lies in the section.</summary>
    private readonly record struct PlacedDefinition(BtfMapDefinition Definition, ulong Offset, ulong Size);
}
