namespace Ebpf.Elf;

/// <summary>The file class (<c>e_ident[EI_CLASS]</c>); only <see cref="Elf64"/> is read.</summary>
public enum ElfClass : byte
{
    /// <summary><c>ELFCLASSNONE</c>: invalid.</summary>
    None = 0,
    /// <summary><c>ELFCLASS32</c>: 32-bit objects (not supported by this reader).</summary>
    Elf32 = 1,
    /// <summary><c>ELFCLASS64</c>: 64-bit objects.</summary>
    Elf64 = 2,
}
