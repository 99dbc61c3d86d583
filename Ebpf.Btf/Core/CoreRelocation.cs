namespace Ebpf.Btf;

/// <summary>A <c>.BTF.ext</c> CO-RE relocation record (<c>struct bpf_core_relo</c>), with its access string resolved.</summary>
/// <param name="ByteOffset">Byte offset of the relocated instruction in its ELF section.</param>
/// <param name="TypeId">Id of the root type in the object's own BTF.</param>
/// <param name="AccessStringOffset">BTF string offset of the access string.</param>
/// <param name="AccessString">The access string: colon-separated member and array indexes such as <c>0:1:0</c>,
/// or an enumerator index for enum relocations.</param>
/// <param name="Kind">What the loader computes.</param>
public sealed record CoreRelocation(uint ByteOffset, uint TypeId, uint AccessStringOffset, string AccessString, CoreRelocationKind Kind)
{
    /// <summary>The 8-byte instruction slot the record points at.</summary>
    public int Slot => (int)(ByteOffset / 8);

    /// <summary>The access string split into indexes; empty when it is not a list of numbers.</summary>
    public IReadOnlyList<int> Accessors
    {
        get
        {
            var parts = AccessString.Split(':');
            var result = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out result[i]))
                {
                    return [];
                }
            }

            return result;
        }
    }
}
