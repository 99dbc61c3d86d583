namespace Ebpf.Elf;

/// <summary>The data encoding of an ELF file (<c>e_ident[EI_DATA]</c>).</summary>
public enum ElfByteOrder : byte
{
    /// <summary><c>ELFDATA2LSB</c>: little endian, as <c>-target bpfel</c> emits.</summary>
    LittleEndian = 1,
    /// <summary><c>ELFDATA2MSB</c>: big endian, as <c>-target bpfeb</c> emits.</summary>
    BigEndian = 2,
}
