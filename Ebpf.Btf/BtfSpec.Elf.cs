using Ebpf.Elf;

namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    /// <summary>The name of the ELF section that holds an object's BTF.</summary>
    public const string ElfSectionName = ".BTF";

    /// <summary>Parses the <c>.BTF</c> section of a BPF object file, in either byte order.</summary>
    /// <param name="elf">The object; its image must stay valid while the result is used (the section is not copied).</param>
    /// <param name="baseSpec">The base BTF when the section holds split BTF, or null.</param>
    /// <returns>The parsed BTF.</returns>
    /// <exception cref="BtfFormatException">The object has no <c>.BTF</c> section or it is not valid BTF.</exception>
    public static BtfSpec FromElf(ElfFile elf, BtfSpec? baseSpec = null)
    {
        ArgumentNullException.ThrowIfNull(elf);
        var section = elf.FindSection(ElfSectionName);
        if (section is null || !section.HasData)
        {
            throw new BtfFormatException($"the ELF file has no {ElfSectionName} section");
        }

        return Parse(section.Data, baseSpec);
    }

    /// <summary>Reads a BPF object file and parses its <c>.BTF</c> section.</summary>
    /// <param name="path">The object file.</param>
    /// <param name="baseSpec">The base BTF when the section holds split BTF, or null.</param>
    /// <returns>The parsed BTF, over a private copy of the file.</returns>
    /// <exception cref="Ebpf.Elf.ElfFormatException">The file is not a valid ELF file.</exception>
    /// <exception cref="BtfFormatException">The object has no <c>.BTF</c> section or it is not valid BTF.</exception>
    public static BtfSpec LoadElf(string path, BtfSpec? baseSpec = null) =>
        FromElf(ElfFile.Parse(File.ReadAllBytes(path)), baseSpec);
}
