namespace Ebpf.Elf;

/// <summary>
/// One symbol table entry. The name is decoded on demand: <see cref="Name"/> allocates a string,
/// <see cref="NameUtf8"/> does not. Section symbols (<see cref="ElfSymbolType.Section"/>) usually have
/// an empty name; their section's name stands for them.
/// </summary>
public readonly struct ElfSymbol
{
    private readonly ElfSymbolTable? _table;

    internal ElfSymbol(ElfSymbolTable table, int index, uint nameOffset, byte info, byte other, uint sectionIndex, ulong value, ulong size)
    {
        this._table = table;
        Index = index;
        NameOffset = nameOffset;
        Info = info;
        Other = other;
        SectionIndex = sectionIndex;
        Value = value;
        Size = size;
    }

    /// <summary>Index of the symbol in its table.</summary>
    public int Index { get; }

    /// <summary>Offset of the name in the table's string table (<c>st_name</c>).</summary>
    public uint NameOffset { get; }

    /// <summary>The name, decoded from UTF-8 (allocates on every call).</summary>
    public string Name => _table is null ? string.Empty : _table.Strings.GetString(NameOffset);

    /// <summary>The name as UTF-8 bytes; does not allocate.</summary>
    public ReadOnlySpan<byte> NameUtf8 => _table is null ? default : _table.Strings.GetUtf8(NameOffset);

    /// <summary>The raw binding and type byte (<c>st_info</c>).</summary>
    public byte Info { get; }

    /// <summary>The raw <c>st_other</c> byte, whose low two bits are the visibility.</summary>
    public byte Other { get; }

    /// <summary>The symbol's binding.</summary>
    public ElfSymbolBinding Binding => (ElfSymbolBinding)(Info >> 4);

    /// <summary>The symbol's type.</summary>
    public ElfSymbolType Type => (ElfSymbolType)(Info & 0xf);

    /// <summary>The symbol's visibility.</summary>
    public ElfSymbolVisibility Visibility => (ElfSymbolVisibility)(Other & 0x3);

    /// <summary>
    /// The section the symbol is defined in, with <c>SHN_XINDEX</c> already resolved; otherwise one of the
    /// reserved values of <see cref="ElfSectionIndex"/> (<c>SHN_UNDEF</c>, <c>SHN_ABS</c>, <c>SHN_COMMON</c>...).
    /// An ordinary index is always below the file's section count.
    /// </summary>
    public uint SectionIndex { get; }

    /// <summary>The value (<c>st_value</c>): a section offset in relocatable files, a virtual address in executables.</summary>
    public ulong Value { get; }

    /// <summary>The size in bytes (<c>st_size</c>), or 0.</summary>
    public ulong Size { get; }

    /// <summary>True for <c>SHN_UNDEF</c>: the symbol is referenced here but defined elsewhere.</summary>
    public bool IsUndefined => SectionIndex == ElfSectionIndex.Undefined;

    /// <summary>True for <c>SHN_ABS</c>: the value is absolute.</summary>
    public bool IsAbsolute => SectionIndex == ElfSectionIndex.Absolute;

    /// <summary>True for <c>SHN_COMMON</c>: an unallocated common block.</summary>
    public bool IsCommon => SectionIndex == ElfSectionIndex.Common;

    /// <summary>True when <see cref="SectionIndex"/> names a real section (neither undefined nor reserved).</summary>
    public bool IsInSection => SectionIndex != ElfSectionIndex.Undefined && SectionIndex < ElfSectionIndex.LowReserve;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Binding} {Type}, section {SectionIndex}, value 0x{Value:x}, size {Size})";
}
