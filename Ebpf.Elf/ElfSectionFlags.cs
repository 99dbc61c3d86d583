namespace Ebpf.Elf;

/// <summary>A section's attribute flags (<c>sh_flags</c>).</summary>
[Flags]
public enum ElfSectionFlags : ulong
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary><c>SHF_WRITE</c>: writable at run time.</summary>
    Write = 0x1,
    /// <summary><c>SHF_ALLOC</c>: occupies memory at run time.</summary>
    Alloc = 0x2,
    /// <summary><c>SHF_EXECINSTR</c>: executable instructions.</summary>
    ExecInstr = 0x4,
    /// <summary><c>SHF_MERGE</c>: may be merged to remove duplicates.</summary>
    Merge = 0x10,
    /// <summary><c>SHF_STRINGS</c>: NUL-terminated strings.</summary>
    Strings = 0x20,
    /// <summary><c>SHF_INFO_LINK</c>: <c>sh_info</c> holds a section index.</summary>
    InfoLink = 0x40,
    /// <summary><c>SHF_LINK_ORDER</c>: ordering requirements follow <c>sh_link</c>.</summary>
    LinkOrder = 0x80,
    /// <summary><c>SHF_OS_NONCONFORMING</c>: OS-specific processing required.</summary>
    OsNonconforming = 0x100,
    /// <summary><c>SHF_GROUP</c>: member of a section group.</summary>
    Group = 0x200,
    /// <summary><c>SHF_TLS</c>: thread-local storage.</summary>
    Tls = 0x400,
    /// <summary><c>SHF_COMPRESSED</c>: compressed contents.</summary>
    Compressed = 0x800,
    /// <summary><c>SHF_GNU_RETAIN</c>: not to be garbage-collected by the linker.</summary>
    GnuRetain = 0x200000,
    /// <summary><c>SHF_EXCLUDE</c>: excluded from the link.</summary>
    Exclude = 0x80000000,
}
