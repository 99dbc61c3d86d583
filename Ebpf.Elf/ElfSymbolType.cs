namespace Ebpf.Elf;

/// <summary>A symbol's type (low nibble of <c>st_info</c>).</summary>
public enum ElfSymbolType : byte
{
    /// <summary><c>STT_NOTYPE</c>: unspecified (labels, and BPF maps in older objects).</summary>
    NoType = 0,
    /// <summary><c>STT_OBJECT</c>: a data object (variables, BPF maps).</summary>
    Object = 1,
    /// <summary><c>STT_FUNC</c>: a function.</summary>
    Function = 2,
    /// <summary><c>STT_SECTION</c>: a section; its name is the section's name.</summary>
    Section = 3,
    /// <summary><c>STT_FILE</c>: the source file name.</summary>
    File = 4,
    /// <summary><c>STT_COMMON</c>: an uninitialized common block.</summary>
    Common = 5,
    /// <summary><c>STT_TLS</c>: a thread-local storage entity.</summary>
    Tls = 6,
    /// <summary><c>STT_GNU_IFUNC</c>: an indirect function (GNU extension).</summary>
    GnuIndirectFunction = 10,
}
