namespace Ebpf.Specs;

public sealed partial class CollectionSpec
{
    /// <summary>Reads a BPF ELF object file into a spec.</summary>
    /// <param name="path">Path of a clang-built <c>.o</c> file, either byte order.</param>
    /// <returns>The object's maps, programs and variables.</returns>
    public static CollectionSpec Load(string path) => throw new NotImplementedException("the ELF reader is being written");

    /// <summary>Reads a BPF ELF object from a stream into a spec.</summary>
    /// <param name="stream">The object's bytes.</param>
    /// <returns>The object's maps, programs and variables.</returns>
    public static CollectionSpec Load(Stream stream) => throw new NotImplementedException("the ELF reader is being written");

    /// <summary>Reads a BPF ELF object from memory into a spec.</summary>
    /// <param name="bytes">The object's bytes.</param>
    /// <returns>The object's maps, programs and variables.</returns>
    public static CollectionSpec Load(ReadOnlyMemory<byte> bytes) => throw new NotImplementedException("the ELF reader is being written");
}
