using Ebpf.Elf;

namespace Ebpf.Tests.Btf;

/// <summary>The raw <c>.BTF</c> section of a compiled test program, read with <see cref="ElfFile"/>.</summary>
public static class ObjectBtf
{
    /// <summary>The .BTF bytes of tests/bpf/NAME.bpf.c in one byte order; ignores the test when the object was not built.</summary>
    public static byte[] Section(string name, bool bigEndian = false)
    {
        string obj = TestPrograms.Path(name, bigEndian);
        if (!File.Exists(obj))
        {
            Assert.Ignore($"{obj} was not built");
        }

        using var elf = ElfFile.Open(obj);
        var section = elf.FindSection(".BTF");
        Assert.That(section, Is.Not.Null, $"{obj} has no .BTF section");
        return section!.Data.ToArray();
    }
}
