using Ebpf.Btf;
using Ebpf.Elf;


namespace Ebpf.Specs;

internal sealed partial class ElfObjectReader
{
    /// <summary>The name of the map (and DATASEC) holding <c>__kconfig</c> externs.</summary>
    internal const string KconfigSection = ".kconfig";

    // The .kconfig externs with their offsets in the .kconfig map's value, in layout order, and the value's size.
    private readonly List<(BtfVar Var, int Offset, int Size)> _kconfig = [];
    private readonly Dictionary<string, int> _kconfigOffsets = new(StringComparer.Ordinal);
    private int _kconfigSize;

    // libbpf's layout: sorted by alignment (descending), then size (ascending), then name; each extern
    // aligned to its type.
    private void LayOutKconfig(BtfSpec btf)
    {
        var datasec = btf.FindTypes(KconfigSection, BtfKind.DataSec).OfType<BtfDataSec>().FirstOrDefault();
        if (datasec is null || datasec.Variables.Count == 0)
        {
            return;
        }

        var externs = new List<(BtfVar Var, int Size, int Alignment)>();
        foreach (var info in datasec.Variables)
        {
            if (btf.GetTypeById(info.TypeId) is not BtfVar var)
            {
                throw new ElfSpecException($"DATASEC member {info.TypeId} is not a VAR", KconfigSection);
            }

            if (!btf.TryGetSize(var.TypeId, out long size) || size <= 0 || size > int.MaxValue || !btf.TryGetAlignment(var.TypeId, out int alignment) || alignment <= 0)
            {
                throw new ElfSpecException("the extern's type has no size or alignment", KconfigSection, var.Name);
            }

            externs.Add((var, (int)size, alignment));
        }

        externs.Sort((a, b) =>
            a.Alignment != b.Alignment ? b.Alignment.CompareTo(a.Alignment)
            : a.Size != b.Size ? a.Size.CompareTo(b.Size)
            : string.CompareOrdinal(a.Var.Name, b.Var.Name));

        long end = 0;
        foreach (var (var, size, alignment) in externs)
        {
            long offset = (end + alignment - 1) / alignment * alignment;
            if (offset + size > int.MaxValue)
            {
                throw new ElfSpecException("the externs do not fit a map value", KconfigSection, var.Name);
            }

            _kconfig.Add((var, (int)offset, size));
            _kconfigOffsets[var.Name] = (int)offset;
            end = offset + size;
        }

        if (end > MaxZeroFilledSize)
        {
            throw new ElfSpecException($"kconfig externs need {end} bytes, more than we allocate for them ({MaxZeroFilledSize} bytes)", KconfigSection);
        }

        _kconfigSize = (int)end;
    }

    // The map is read-only to programs and frozen; its value starts zeroed (see KernelConfig).
    private void ReadKconfig()
    {
        if (_kconfig.Count == 0 || _btf is null)
        {
            return;
        }

        var data = new byte[_kconfigSize];
        AddMap(GlobalDataMap(KconfigSection, data, readOnly: true, value: FindDataSec(KconfigSection), mmapable: true));
        var weak = _elf.Symbols.Where(s => IsExtern(s) && s.Binding == ElfSymbolBinding.Weak).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (var, offset, size) in _kconfig)
        {
            AddVariable(new VariableSpec(var.Name, KconfigSection, offset, size, data, _order, _btf.GetTypeById(var.TypeId), isReadOnly: true) { IsWeak = weak.Contains(var.Name) });
        }
    }
}
