namespace Ebpf.Elf;

/// <summary>Reserved section index values (<c>SHN_*</c>), as found in <see cref="ElfSymbol.SectionIndex"/>.</summary>
public static class ElfSectionIndex
{
    /// <summary><c>SHN_UNDEF</c>: undefined, or no section.</summary>
    public const uint Undefined = 0;

    /// <summary><c>SHN_LORESERVE</c>: first reserved index.</summary>
    public const uint LowReserve = 0xff00;

    /// <summary><c>SHN_ABS</c>: an absolute value, not relative to a section.</summary>
    public const uint Absolute = 0xfff1;

    /// <summary><c>SHN_COMMON</c>: a common block not yet allocated.</summary>
    public const uint Common = 0xfff2;

    /// <summary>
    /// <c>SHN_XINDEX</c>: the real index is held elsewhere (section 0, or a <c>SHT_SYMTAB_SHNDX</c> table).
    /// The reader resolves it, so it never appears in a parsed <see cref="ElfSymbol"/>.
    /// </summary>
    public const uint ExtendedIndex = 0xffff;
}
