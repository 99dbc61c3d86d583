namespace Ebpf.Btf;

/// <summary>The header of a <c>.BTF.ext</c> section (<c>struct btf_ext_header</c>), in host order.
/// Offsets count from the end of the header.</summary>
/// <param name="Version">Format version; always 1.</param>
/// <param name="Flags">Header flags; currently unused.</param>
/// <param name="HeaderLength">Length of the header: 24 without CO-RE relocations, 32 with.</param>
/// <param name="FuncInfoOffset">Offset of the function records.</param>
/// <param name="FuncInfoLength">Length of the function records in bytes.</param>
/// <param name="LineInfoOffset">Offset of the line records.</param>
/// <param name="LineInfoLength">Length of the line records in bytes.</param>
/// <param name="CoreRelocationOffset">Offset of the CO-RE relocation records, or 0 when the header is too short to have them.</param>
/// <param name="CoreRelocationLength">Length of the CO-RE relocation records, or 0.</param>
public readonly record struct BtfExtHeader(
    byte Version,
    byte Flags,
    uint HeaderLength,
    uint FuncInfoOffset,
    uint FuncInfoLength,
    uint LineInfoOffset,
    uint LineInfoLength,
    uint CoreRelocationOffset,
    uint CoreRelocationLength)
{
    /// <summary>The magic number that starts the section, read in its own byte order (same as BTF's).</summary>
    public const ushort Magic = 0xEB9F;

    /// <summary>Size of the smallest valid header, without CO-RE relocation fields.</summary>
    public const int MinimumLength = 24;

    /// <summary>Size of a header with CO-RE relocation fields.</summary>
    public const int CoreLength = 32;
}
