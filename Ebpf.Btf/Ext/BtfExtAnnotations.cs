namespace Ebpf.Btf;

/// <summary>The <c>.BTF.ext</c> records of one ELF section, keyed by instruction index (see <see cref="BtfExtInfo.Apply"/>).</summary>
/// <param name="Functions">Function records by the index of the function's first instruction.</param>
/// <param name="Lines">Line records by instruction index.</param>
/// <param name="CoreRelocations">CO-RE relocation records by the index of the relocated instruction.</param>
public sealed record BtfExtAnnotations(
    IReadOnlyDictionary<int, FuncInfo> Functions,
    IReadOnlyDictionary<int, LineInfo> Lines,
    IReadOnlyDictionary<int, CoreRelocation> CoreRelocations);
