namespace Ebpf.Elf;

/// <summary>The target architecture (<c>e_machine</c>). Values not listed here are kept as their number.</summary>
public enum ElfMachine : ushort
{
    /// <summary><c>EM_NONE</c>: no machine.</summary>
    None = 0,
    /// <summary><c>EM_386</c>: Intel 80386.</summary>
    X86 = 3,
    /// <summary><c>EM_MIPS</c>: MIPS.</summary>
    Mips = 8,
    /// <summary><c>EM_PPC64</c>: 64-bit PowerPC.</summary>
    PowerPC64 = 21,
    /// <summary><c>EM_S390</c>: IBM S/390 and z/Architecture.</summary>
    S390 = 22,
    /// <summary><c>EM_ARM</c>: 32-bit Arm.</summary>
    Arm = 40,
    /// <summary><c>EM_X86_64</c>: AMD x86-64.</summary>
    X86_64 = 62,
    /// <summary><c>EM_AARCH64</c>: 64-bit Arm.</summary>
    AArch64 = 183,
    /// <summary><c>EM_RISCV</c>: RISC-V.</summary>
    RiscV = 243,
    /// <summary><c>EM_BPF</c>: Linux BPF.</summary>
    Bpf = 247,
    /// <summary><c>EM_LOONGARCH</c>: LoongArch.</summary>
    LoongArch = 258,
}
