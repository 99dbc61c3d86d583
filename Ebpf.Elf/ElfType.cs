namespace Ebpf.Elf;

/// <summary>The object file type (<c>e_type</c>).</summary>
public enum ElfType : ushort
{
    /// <summary><c>ET_NONE</c>: no file type.</summary>
    None = 0,
    /// <summary><c>ET_REL</c>: a relocatable object, as clang emits for BPF programs.</summary>
    Relocatable = 1,
    /// <summary><c>ET_EXEC</c>: a position-dependent executable.</summary>
    Executable = 2,
    /// <summary><c>ET_DYN</c>: a shared object or position-independent executable.</summary>
    SharedObject = 3,
    /// <summary><c>ET_CORE</c>: a core dump.</summary>
    Core = 4,
}
