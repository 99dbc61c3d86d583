using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

internal sealed partial class ElfObjectReader
{
    private const int GlobalDataKeySize = sizeof(uint);

    // .data*, .rodata* and .bss* become single-entry arrays named after their section, as in libbpf.
    private void ReadGlobalData()
    {
        foreach (var section in _elf.Sections)
        {
            if (!IsDataSection(section) || section.Size == 0)
            {
                continue;
            }

            if (section.Size > MaxArrayValueSize)
            {
                throw new ElfSpecException($"global data of {section.Size} bytes is larger than an array map value may be ({MaxArrayValueSize} bytes)", section.Name);
            }

            // A .bss allocates nothing until a variable in it is read or written (a forged size costs nothing).
            Memory<byte> data = section.Type == ElfSectionType.NoBits ? new ZeroFilledMemory((int)section.Size).Memory : section.Data.ToArray();
            bool readOnly = HasPrefix(section.Name, ".rodata");
            var datasec = FindDataSec(section.Name);
            AddMap(GlobalDataMap(section.Name, data, readOnly, datasec, HasGlobalVariable(datasec)));
            foreach (var variable in SectionVariables(section, data, readOnly))
            {
                AddVariable(variable);
            }
        }
    }

    // libbpf makes a global data map mmapable when a non-static variable lives in it (the skeleton maps those).
    private bool HasGlobalVariable(BtfDataSec? datasec) =>
        datasec is not null && _btf is not null && datasec.Variables.Any(v => _btf.TryGetTypeById(v.TypeId, out var t) && t is BtfVar { Linkage: not BtfLinkage.Static });

    private MapSpec GlobalDataMap(string name, Memory<byte> data, bool readOnly, BtfType? value, bool mmapable) => new()
    {
        Name = name,
        Type = BpfMapType.Array,
        KeySize = GlobalDataKeySize,
        ValueSize = (uint)data.Length,
        MaxEntries = 1,
        Flags = (readOnly ? BpfMapFlags.RdonlyProg : 0) | (mmapable ? BpfMapFlags.Mmapable : 0),
        SectionName = name,
        Contents = [new MapEntry(new byte[GlobalDataKeySize], data)],
        Freeze = readOnly,
        Btf = value is null ? null : _btf,
        Value = value,
    };

    // Variables come from the section's DATASEC (clang leaves its offsets zero, so the ELF symbols give them),
    // or, without BTF, from the section's object symbols.
    private IEnumerable<VariableSpec> SectionVariables(ElfSection section, Memory<byte> data, bool readOnly)
    {
        var symbols = new Dictionary<string, ElfSymbol>(StringComparer.Ordinal);
        foreach (var symbol in SymbolsIn(section))
        {
            if (symbol.SectionIndex == (uint)section.Index && symbol.Type is ElfSymbolType.Object or ElfSymbolType.NoType && symbol.Name.Length > 0)
            {
                symbols.TryAdd(symbol.Name, symbol);
            }
        }

        var datasec = FindDataSec(section.Name);
        if (datasec is null || _btf is null)
        {
            foreach (var (name, symbol) in symbols)
            {
                if (symbol.Type == ElfSymbolType.Object && symbol.Size > 0)
                {
                    yield return NewVariable(name, section, symbol.Value, symbol.Size, data, null, readOnly);
                }
            }

            yield break;
        }

        foreach (var info in datasec.Variables)
        {
            if (_btf.GetTypeById(info.TypeId) is not BtfVar var || !symbols.TryGetValue(var.Name, out var symbol))
            {
                continue; // a static variable clang kept no symbol for: nothing can name it
            }

            yield return NewVariable(var.Name, section, symbol.Value, info.Size, data, _btf.GetTypeById(var.TypeId), readOnly);
        }
    }

    private VariableSpec NewVariable(string name, ElfSection section, ulong offset, ulong size, Memory<byte> data, BtfType? type, bool readOnly)
    {
        if (offset > (ulong)data.Length || size > (ulong)data.Length - offset)
        {
            throw new ElfSpecException($"variable at {offset}+{size} lies outside the {data.Length}-byte section", section.Name, name);
        }

        return new VariableSpec(name, section.Name, (int)offset, (int)size, data, _order, type, readOnly);
    }

    private void AddVariable(VariableSpec variable)
    {
        if (!_spec.Variables.TryAdd(variable.Name, variable))
        {
            throw new ElfSpecException("a global variable with this name is defined twice", variable.MapName, variable.Name);
        }
    }
}
