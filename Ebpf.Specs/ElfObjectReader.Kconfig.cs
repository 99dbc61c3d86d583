using Ebpf.Btf;

namespace Ebpf.Specs;

internal sealed partial class ElfObjectReader
{
    /// <summary>The name of the map (and DATASEC) holding <c>__kconfig</c> externs.</summary>
    internal const string KconfigSection = ".kconfig";

    // Offsets of the .kconfig externs in the .kconfig map's value, by name.
    private readonly Dictionary<string, int> _kconfigOffsets = new(StringComparer.Ordinal);

    // libbpf's layout: sorted by alignment (descending), then size (ascending), then name; each extern
    // aligned to its type. The map is read-only to programs and frozen.
    private void ReadKconfig()
    {
        var datasec = FindDataSec(KconfigSection);
        if (datasec is null || _btf is null || datasec.Variables.Count == 0)
        {
            return;
        }

        var externs = new List<(BtfVar Var, int Size, int Alignment)>();
        foreach (var info in datasec.Variables)
        {
            if (_btf.GetTypeById(info.TypeId) is not BtfVar var)
            {
                throw new ElfSpecException($"DATASEC member {info.TypeId} is not a VAR", KconfigSection);
            }

            if (!_btf.TryGetSize(var.TypeId, out long size) || size <= 0 || size > int.MaxValue || !_btf.TryGetAlignment(var.TypeId, out int alignment) || alignment <= 0)
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
        var offsets = new int[externs.Count];
        for (int i = 0; i < externs.Count; i++)
        {
            long offset = (end + externs[i].Alignment - 1) / externs[i].Alignment * externs[i].Alignment;
            offsets[i] = checked((int)offset);
            end = offset + externs[i].Size;
        }

        var data = new byte[checked((int)end)];
        AddMap(GlobalDataMap(KconfigSection, data, readOnly: true, value: null));
        for (int i = 0; i < externs.Count; i++)
        {
            var (var, size, _) = externs[i];
            _kconfigOffsets[var.Name] = offsets[i];
            AddVariable(new VariableSpec(var.Name, KconfigSection, offsets[i], size, data, _order, _btf.GetTypeById(var.TypeId), isReadOnly: true));
        }
    }
}
