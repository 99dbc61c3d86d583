namespace Ebpf.Elf;

/// <summary>One section header and its contents.</summary>
public sealed class ElfSection
{
    private readonly ElfStringTable _names;
    private string? _name;

    internal ElfSection(int index, ElfStringTable names)
    {
        Index = index;
        this._names = names;
    }

    /// <summary>Index of the section in the section header table.</summary>
    public int Index { get; }

    /// <summary>The section's name from the section name string table (decoded once, then cached).</summary>
    public string Name => _name ??= _names.GetString(NameOffset);

    /// <summary>The section's name as UTF-8 bytes; does not allocate.</summary>
    public ReadOnlySpan<byte> NameUtf8 => _names.GetUtf8(NameOffset);

    /// <summary>Offset of the name in the section name string table (<c>sh_name</c>).</summary>
    public uint NameOffset { get; internal init; }

    /// <summary>The section type (<c>sh_type</c>).</summary>
    public ElfSectionType Type { get; internal init; }

    /// <summary>The attribute flags (<c>sh_flags</c>).</summary>
    public ElfSectionFlags Flags { get; internal init; }

    /// <summary>The virtual address at run time, or 0 (<c>sh_addr</c>).</summary>
    public ulong Address { get; internal init; }

    /// <summary>File offset of the contents (<c>sh_offset</c>); meaningless for <c>SHT_NOBITS</c>.</summary>
    public ulong Offset { get; internal init; }

    /// <summary>Size in bytes (<c>sh_size</c>); a <c>SHT_NOBITS</c> section has a size but no data.</summary>
    public ulong Size { get; internal init; }

    /// <summary>A type-dependent section index (<c>sh_link</c>), such as a symbol table's string table.</summary>
    public uint Link { get; internal init; }

    /// <summary>Type-dependent information (<c>sh_info</c>), such as a relocation section's target section.</summary>
    public uint Info { get; internal init; }

    /// <summary>Required alignment, 0 or 1 for none (<c>sh_addralign</c>).</summary>
    public ulong AddressAlignment { get; internal init; }

    /// <summary>Size of one entry for sections holding a table, else 0 (<c>sh_entsize</c>).</summary>
    public ulong EntrySize { get; internal init; }

    /// <summary>The contents, validated to lie within the file; empty for <c>SHT_NOBITS</c> and <c>SHT_NULL</c>.</summary>
    public ReadOnlyMemory<byte> Data { get; internal init; }

    /// <summary>True when the section occupies file space (its type is neither <c>SHT_NOBITS</c> nor <c>SHT_NULL</c>).</summary>
    public bool HasData => Type is not ElfSectionType.NoBits and not ElfSectionType.Null;

    /// <inheritdoc/>
    public override string ToString() => $"[{Index}] {Name} ({Type}, {Size} bytes)";
}
