namespace Ebpf.Elf;

/// <summary>A symbol's binding (high nibble of <c>st_info</c>).</summary>
public enum ElfSymbolBinding : byte
{
    /// <summary><c>STB_LOCAL</c>: not visible outside the object.</summary>
    Local = 0,
    /// <summary><c>STB_GLOBAL</c>: visible to all objects being combined.</summary>
    Global = 1,
    /// <summary><c>STB_WEAK</c>: global, with lower precedence.</summary>
    Weak = 2,
    /// <summary><c>STB_GNU_UNIQUE</c>: unique global (GNU extension).</summary>
    GnuUnique = 10,
}
