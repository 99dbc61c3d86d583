using Ebpf.Btf;

namespace Ebpf.Specs;

internal sealed partial class ElfObjectReader
{
    private const string KsymsSection = ".ksyms";

    // What libbpf's btf_fixup_datasec makes of a DATASEC: the size of its ELF section, each variable at its
    // symbol's offset, sorted by offset. .kconfig gets the extern layout; .ksyms is left alone.
    private (uint Size, IReadOnlyList<BtfVarSecInfo> Variables)? DataSecLayout(BtfSpec btf, BtfDataSec datasec)
    {
        if (datasec.Name == KconfigSection)
        {
            if (_kconfig.Count == 0)
            {
                return null;
            }

            var externs = datasec.Variables
                .Select(v => v with { Offset = btf.GetTypeById(v.TypeId) is BtfVar var && _kconfigOffsets.TryGetValue(var.Name, out int at) ? (uint)at : v.Offset })
                .OrderBy(v => v.Offset)
                .ToList();
            return ((uint)_kconfigSize, externs);
        }

        if (datasec.Name == KsymsSection || _elf.FindSection(datasec.Name) is not { } section || section.Size > uint.MaxValue)
        {
            return null;
        }

        var offsets = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var symbol in SymbolsIn(section))
        {
            if (symbol.Type is Ebpf.Elf.ElfSymbolType.Object or Ebpf.Elf.ElfSymbolType.NoType && symbol.NameOffset != 0)
            {
                offsets.TryAdd(symbol.Name, symbol.Value);
            }
        }

        var variables = datasec.Variables
            .Select(v => v with { Offset = btf.GetTypeById(v.TypeId) is BtfVar var && offsets.TryGetValue(var.Name, out ulong at) && at <= uint.MaxValue ? (uint)at : v.Offset })
            .OrderBy(v => v.Offset)
            .ToList();
        return ((uint)section.Size, variables);
    }
}
