namespace Ebpf.Btf;

/// <summary>The header of a raw BTF blob (<c>struct btf_header</c>), in host order.</summary>
/// <param name="Version">Format version; always 1.</param>
/// <param name="Flags">Header flags; currently unused.</param>
/// <param name="HeaderLength">Length of the header in bytes (24, or more for newer producers).</param>
/// <param name="TypeOffset">Offset of the type section, from the end of the header.</param>
/// <param name="TypeLength">Length of the type section in bytes.</param>
/// <param name="StringOffset">Offset of the string section, from the end of the header.</param>
/// <param name="StringLength">Length of the string section in bytes.</param>
public readonly record struct BtfHeader(
    byte Version,
    byte Flags,
    uint HeaderLength,
    uint TypeOffset,
    uint TypeLength,
    uint StringOffset,
    uint StringLength)
{
    /// <summary>The magic number that starts every BTF blob (<c>BTF_MAGIC</c>), read in the blob's own byte order.</summary>
    public const ushort Magic = 0xEB9F;

    /// <summary>Size of the smallest valid header (<c>sizeof(struct btf_header)</c>).</summary>
    public const int MinimumLength = 24;
}
