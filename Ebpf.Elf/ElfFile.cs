using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Ebpf.Elf;

/// <summary>
/// A parsed ELF64 image in either byte order: the file header, sections, program headers, symbol tables
/// and relocation tables. Everything is validated when the file is parsed, so corrupt input fails there
/// with an <see cref="ElfFormatException"/>; afterwards lookups read the image in place.
/// </summary>
/// <remarks>
/// Any <see cref="Machine"/> is accepted so that executables and shared objects (for uprobes) can be read;
/// check <see cref="IsBpf"/> before treating the file as a BPF object.
/// A file from <see cref="Open(string)"/> maps the file into memory: dispose it when done, and do not use its
/// <see cref="ElfSection.Data"/> afterwards. Disposing a file from <see cref="Parse(ReadOnlyMemory{byte})"/> does nothing.
/// </remarks>
public sealed class ElfFile : IDisposable
{
    private readonly IDisposable? _owner;

    internal ElfFile(IDisposable? owner)
    {
        this._owner = owner;
    }

    /// <summary>Size of the ELF64 file header.</summary>
    public const int HeaderSize = 64;

    /// <summary>Size of one ELF64 section header.</summary>
    public const int SectionHeaderSize = 64;

    /// <summary>Size of one ELF64 program header.</summary>
    public const int ProgramHeaderSize = 56;

    /// <summary>The whole image.</summary>
    public ReadOnlyMemory<byte> Image { get; internal init; }

    /// <summary>The file class; always <see cref="ElfClass.Elf64"/>.</summary>
    public ElfClass Class { get; internal init; }

    /// <summary>The byte order of every multi-byte field and of the contents.</summary>
    public ElfByteOrder ByteOrder { get; internal init; }

    /// <summary>The OS ABI (<c>e_ident[EI_OSABI]</c>), 0 for System V / Linux.</summary>
    public byte OsAbi { get; internal init; }

    /// <summary>The ABI version (<c>e_ident[EI_ABIVERSION]</c>).</summary>
    public byte AbiVersion { get; internal init; }

    /// <summary>The object file type (<c>e_type</c>).</summary>
    public ElfType Type { get; internal init; }

    /// <summary>The target machine (<c>e_machine</c>).</summary>
    public ElfMachine Machine { get; internal init; }

    /// <summary>True when <see cref="Machine"/> is <see cref="ElfMachine.Bpf"/> or <see cref="ElfMachine.None"/>.</summary>
    public bool IsBpf => Machine is ElfMachine.Bpf or ElfMachine.None;

    /// <summary>The object file version (<c>e_version</c>), 1.</summary>
    public uint Version { get; internal init; }

    /// <summary>The entry point virtual address, or 0 (<c>e_entry</c>).</summary>
    public ulong Entry { get; internal init; }

    /// <summary>Processor-specific flags (<c>e_flags</c>).</summary>
    public uint Flags { get; internal init; }

    /// <summary>The header size the file declares (<c>e_ehsize</c>), at least <see cref="HeaderSize"/>.</summary>
    public ushort DeclaredHeaderSize { get; internal init; }

    /// <summary>File offset of the program header table, or 0 (<c>e_phoff</c>).</summary>
    public ulong ProgramHeaderOffset { get; internal init; }

    /// <summary>Size of one program header entry (<c>e_phentsize</c>).</summary>
    public ushort ProgramHeaderEntrySize { get; internal init; }

    /// <summary>File offset of the section header table, or 0 (<c>e_shoff</c>).</summary>
    public ulong SectionHeaderOffset { get; internal init; }

    /// <summary>Size of one section header entry (<c>e_shentsize</c>).</summary>
    public ushort SectionHeaderEntrySize { get; internal init; }

    /// <summary>Index of the section name string table, with <c>SHN_XINDEX</c> resolved; 0 when there is none.</summary>
    public int SectionNameTableIndex { get; internal init; }

    /// <summary>Every section, by index; index 0 is the null section. Extended numbering is resolved.</summary>
    public IReadOnlyList<ElfSection> Sections { get; internal init; } = [];

    /// <summary>Every program header; empty for relocatable objects.</summary>
    public IReadOnlyList<ElfProgramHeader> ProgramHeaders { get; internal init; } = [];

    /// <summary>The section name string table (empty when there is none).</summary>
    public ElfStringTable SectionNames { get; internal init; }

    /// <summary>The static symbol table (the first <c>SHT_SYMTAB</c>), or <see cref="ElfSymbolTable.Empty"/>.</summary>
    public ElfSymbolTable Symbols { get; internal init; } = ElfSymbolTable.Empty;

    /// <summary>The dynamic symbol table (the first <c>SHT_DYNSYM</c>), or <see cref="ElfSymbolTable.Empty"/>.</summary>
    public ElfSymbolTable DynamicSymbols { get; internal init; } = ElfSymbolTable.Empty;

    /// <summary>Every relocation section (<c>SHT_REL</c> and <c>SHT_RELA</c>), in section order.</summary>
    public IReadOnlyList<ElfRelocationTable> RelocationTables { get; internal init; } = [];

    internal ElfSymbolTable?[] SymbolTablesBySection { get; init; } = [];

    internal ElfRelocationTable?[] RelocationTablesBySection { get; init; } = [];

    /// <summary>Parses an ELF64 image held in memory. The image is not copied; keep it unchanged while the result is used.</summary>
    /// <exception cref="ElfFormatException">The image is not a well-formed ELF64 file.</exception>
    public static ElfFile Parse(ReadOnlyMemory<byte> image) => ElfParser.Parse(image, owner: null);

    /// <summary>Maps the file at <paramref name="path"/> into memory read-only and parses it. Dispose the result to unmap it.</summary>
    /// <exception cref="ElfFormatException">The file is not a well-formed ELF64 file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="NotSupportedException">The file is 2 GiB or larger.</exception>
    public static ElfFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var mapping = MappedMemoryManager.Open(path);
        try
        {
            return ElfParser.Parse(mapping.Memory, mapping);
        }
        catch
        {
            ((IDisposable)mapping).Dispose();
            throw;
        }
    }

    /// <summary>The first section named <paramref name="name"/>, or null.</summary>
    public ElfSection? FindSection(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return FindSection(Encoding.UTF8.GetBytes(name));
    }

    /// <summary>The first section whose UTF-8 name is <paramref name="utf8Name"/>, or null; does not allocate.</summary>
    public ElfSection? FindSection(ReadOnlySpan<byte> utf8Name)
    {
        foreach (var section in Sections)
        {
            if (SectionNames.Matches(section.NameOffset, utf8Name))
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>Finds the first section named <paramref name="name"/>.</summary>
    public bool TryGetSection(string name, [NotNullWhen(true)] out ElfSection? section)
    {
        section = FindSection(name);
        return section != null;
    }

    /// <summary>The section at an index read from the file (such as a symbol's or a header's <c>sh_link</c>).</summary>
    /// <exception cref="ElfFormatException"><paramref name="index"/> is not a section of this file.</exception>
    public ElfSection GetSection(uint index) =>
        index < (uint)Sections.Count
            ? Sections[(int)index]
            : throw new ElfFormatException($"section index {index} is outside the {Sections.Count} sections");

    /// <summary>The symbol table held by <paramref name="section"/> (<c>SHT_SYMTAB</c> or <c>SHT_DYNSYM</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="section"/> is not a symbol table of this file.</exception>
    public ElfSymbolTable GetSymbolTable(ElfSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Owns(section) && SymbolTablesBySection[section.Index] is { } table
            ? table
            : throw new ArgumentException($"section {section} is not a symbol table of this file", nameof(section));
    }

    /// <summary>The relocations held by <paramref name="section"/> (<c>SHT_REL</c> or <c>SHT_RELA</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="section"/> is not a relocation section of this file.</exception>
    public ElfRelocationTable GetRelocationTable(ElfSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Owns(section) && RelocationTablesBySection[section.Index] is { } table
            ? table
            : throw new ArgumentException($"section {section} is not a relocation section of this file", nameof(section));
    }

    /// <summary>The string table at section <paramref name="index"/>.</summary>
    /// <exception cref="ElfFormatException">The index is not a section, or the section is not a NUL-terminated <c>SHT_STRTAB</c>.</exception>
    public ElfStringTable GetStringTable(uint index)
    {
        var section = GetSection(index);
        if (section.Type != ElfSectionType.StrTab)
        {
            throw new ElfFormatException($"section {index} is {section.Type}, not a string table");
        }

        var table = new ElfStringTable(section.Data, (long)section.Offset);
        return table.IsTerminated
            ? table
            : throw new ElfFormatException($"string table section {index} does not end with a NUL byte", (long)section.Offset + section.Data.Length - 1);
    }

    /// <summary>The string at <paramref name="offset"/> in the string table at section <paramref name="stringTableIndex"/>.</summary>
    /// <exception cref="ElfFormatException">The table or the offset is invalid.</exception>
    public string GetString(uint stringTableIndex, uint offset) => GetStringTable(stringTableIndex).GetString(offset);

    /// <summary>
    /// Translates a virtual address to a file offset through the <c>PT_LOAD</c> segments, as uprobes need.
    /// Returns false when no loaded segment holds the address in its file contents.
    /// </summary>
    public bool TryGetFileOffset(ulong virtualAddress, out ulong fileOffset)
    {
        foreach (var header in ProgramHeaders)
        {
            if (header.Type == ElfSegmentType.Load && virtualAddress >= header.VirtualAddress && virtualAddress - header.VirtualAddress < header.FileSize)
            {
                fileOffset = header.Offset + (virtualAddress - header.VirtualAddress);
                return true;
            }
        }

        fileOffset = 0;
        return false;
    }

    /// <summary>Releases the memory mapping of a file from <see cref="Open(string)"/>; does nothing otherwise.</summary>
    public void Dispose() => _owner?.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"ELF64 {ByteOrder} {Type} {Machine}, {Sections.Count} sections";

    private bool Owns(ElfSection section) => section.Index < Sections.Count && ReferenceEquals(Sections[section.Index], section);
}
