namespace Ebpf.Elf;

/// <summary>A program header's segment type (<c>p_type</c>). Values not listed here are kept as their number.</summary>
public enum ElfSegmentType : uint
{
    /// <summary><c>PT_NULL</c>: unused.</summary>
    Null = 0,
    /// <summary><c>PT_LOAD</c>: a loadable segment.</summary>
    Load = 1,
    /// <summary><c>PT_DYNAMIC</c>: dynamic linking information.</summary>
    Dynamic = 2,
    /// <summary><c>PT_INTERP</c>: the program interpreter path.</summary>
    Interpreter = 3,
    /// <summary><c>PT_NOTE</c>: notes.</summary>
    Note = 4,
    /// <summary><c>PT_SHLIB</c>: reserved.</summary>
    ShLib = 5,
    /// <summary><c>PT_PHDR</c>: the program header table itself.</summary>
    ProgramHeaders = 6,
    /// <summary><c>PT_TLS</c>: the thread-local storage template.</summary>
    Tls = 7,
    /// <summary><c>PT_GNU_EH_FRAME</c>: the exception-handling frame header.</summary>
    GnuEhFrame = 0x6474e550,
    /// <summary><c>PT_GNU_STACK</c>: stack executability.</summary>
    GnuStack = 0x6474e551,
    /// <summary><c>PT_GNU_RELRO</c>: read-only after relocation.</summary>
    GnuRelro = 0x6474e552,
    /// <summary><c>PT_GNU_PROPERTY</c>: GNU property notes.</summary>
    GnuProperty = 0x6474e553,
}
