using Ebpf.Elf;

namespace Ebpf.Specs;

public sealed partial class CollectionSpec
{
    /// <summary>Reads a BPF ELF object file into a spec.</summary>
    /// <param name="path">Path of a clang-built <c>.o</c> file, either byte order.</param>
    /// <returns>The object's maps, programs and variables.</returns>
    /// <exception cref="ElfFormatException">The file is not a well-formed ELF64 file.</exception>
    /// <exception cref="Ebpf.Btf.BtfFormatException">The object's BTF or BTF.ext is malformed.</exception>
    /// <exception cref="ElfSpecException">The object cannot be turned into a spec (for example an unsupported relocation).</exception>
    public static CollectionSpec Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);

        // Mapped for the length of the read, as libbpf does: only the pages of the sections read are touched (not
        // the DWARF, often half the file), and the spec copies what it keeps (instructions, data, BTF).
        using var elf = ElfFile.Open(path);
        var spec = ElfObjectReader.Read(elf);
        spec.ObjectName = ObjectNameOf(path);
        return spec;
    }

    /// <summary>
    /// Reads a BPF ELF object file for inspection, as <see cref="Load(string)"/> does but without the line and CO-RE
    /// records of its <c>.BTF.ext</c>: the maps, variables and programs (names, sections, types, linked instructions
    /// and their references) are the same, the instructions carry no source lines or CO-RE relocations, and those
    /// records are not checked. For tools that list an object (<c>ebpf inspect</c>), not for loading: a program read
    /// this way would load without its CO-RE relocations applied.
    /// </summary>
    /// <param name="path">Path of a clang-built <c>.o</c> file, either byte order.</param>
    /// <returns>The object's maps, programs and variables, without line or CO-RE records.</returns>
    internal static CollectionSpec LoadOutline(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var elf = ElfFile.Open(path);
        var spec = ElfObjectReader.Read(elf, outline: true);
        spec.ObjectName = ObjectNameOf(path);
        return spec;
    }

    /// <summary>Reads a BPF ELF object from a stream into a spec.</summary>
    /// <param name="stream">The object's bytes.</param>
    /// <returns>The object's maps, programs and variables.</returns>
    /// <exception cref="ElfFormatException">The bytes are not a well-formed ELF64 file.</exception>
    /// <exception cref="ElfSpecException">The object cannot be turned into a spec.</exception>
    public static CollectionSpec Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.ToArray());
    }

    /// <summary>Reads a BPF ELF object from memory into a spec. The bytes are copied: the spec does not refer to them.</summary>
    /// <param name="bytes">The object's bytes.</param>
    /// <returns>The object's maps, programs and variables.</returns>
    /// <exception cref="ElfFormatException">The bytes are not a well-formed ELF64 file.</exception>
    /// <exception cref="ElfSpecException">The object cannot be turned into a spec.</exception>
    public static CollectionSpec Load(ReadOnlyMemory<byte> bytes) => Read(bytes.ToArray());

    /// <summary>libbpf's name of an object file: its file name up to the first dot (<c>probe</c> for <c>probe.bpfel.o</c>).</summary>
    public static string ObjectNameOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string file = Path.GetFileName(path);
        int dot = file.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? file : file[..dot];
    }

    // The spec copies what it keeps of the image; a private copy of the caller's bytes keeps it from their changes while it is read.
    private static CollectionSpec Read(byte[] image) => ElfObjectReader.Read(ElfFile.Parse(image));
}
