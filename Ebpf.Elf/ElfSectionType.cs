namespace Ebpf.Elf;

/// <summary>A section's type (<c>sh_type</c>). Values not listed here are kept as their number.</summary>
public enum ElfSectionType : uint
{
    /// <summary><c>SHT_NULL</c>: an inactive header, such as section 0.</summary>
    Null = 0,
    /// <summary><c>SHT_PROGBITS</c>: program-defined contents (code, data, BTF, DWARF...).</summary>
    ProgBits = 1,
    /// <summary><c>SHT_SYMTAB</c>: the static symbol table.</summary>
    SymTab = 2,
    /// <summary><c>SHT_STRTAB</c>: a string table.</summary>
    StrTab = 3,
    /// <summary><c>SHT_RELA</c>: relocations with explicit addends.</summary>
    Rela = 4,
    /// <summary><c>SHT_HASH</c>: a symbol hash table.</summary>
    Hash = 5,
    /// <summary><c>SHT_DYNAMIC</c>: dynamic linking information.</summary>
    Dynamic = 6,
    /// <summary><c>SHT_NOTE</c>: notes.</summary>
    Note = 7,
    /// <summary><c>SHT_NOBITS</c>: occupies no file space (such as <c>.bss</c>); has a size but no data.</summary>
    NoBits = 8,
    /// <summary><c>SHT_REL</c>: relocations without explicit addends.</summary>
    Rel = 9,
    /// <summary><c>SHT_SHLIB</c>: reserved.</summary>
    ShLib = 10,
    /// <summary><c>SHT_DYNSYM</c>: the dynamic symbol table.</summary>
    DynSym = 11,
    /// <summary><c>SHT_INIT_ARRAY</c>: initialization function pointers.</summary>
    InitArray = 14,
    /// <summary><c>SHT_FINI_ARRAY</c>: termination function pointers.</summary>
    FiniArray = 15,
    /// <summary><c>SHT_PREINIT_ARRAY</c>: pre-initialization function pointers.</summary>
    PreInitArray = 16,
    /// <summary><c>SHT_GROUP</c>: a section group.</summary>
    Group = 17,
    /// <summary><c>SHT_SYMTAB_SHNDX</c>: extended section indices for a symbol table.</summary>
    SymTabShndx = 18,
    /// <summary><c>SHT_LLVM_ADDRSIG</c>: LLVM address-significance table.</summary>
    LlvmAddrsig = 0x6fff4c03,
    /// <summary><c>SHT_GNU_ATTRIBUTES</c>: GNU object attributes.</summary>
    GnuAttributes = 0x6ffffff5,
    /// <summary><c>SHT_GNU_HASH</c>: GNU-style symbol hash table.</summary>
    GnuHash = 0x6ffffff6,
    /// <summary><c>SHT_GNU_verdef</c>: symbol version definitions.</summary>
    GnuVerdef = 0x6ffffffd,
    /// <summary><c>SHT_GNU_verneed</c>: symbol version requirements.</summary>
    GnuVerneed = 0x6ffffffe,
    /// <summary><c>SHT_GNU_versym</c>: symbol version table.</summary>
    GnuVersym = 0x6fffffff,
}
