using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Fuzz;

/// <summary>The decoders we fuzz, each exercised the way a caller reads its result.</summary>
public static class FuzzTargets
{
    /// <summary>ELF64 parsing: headers, sections, symbols and relocations.</summary>
    public static FuzzTarget Elf { get; } = new("elf", RunElf, [typeof(ElfFormatException)]);

    /// <summary>Raw BTF parsing and every read path of the result.</summary>
    public static FuzzTarget Btf { get; } = new("btf", RunBtf, [typeof(BtfFormatException)]);

    /// <summary>A whole object's BTF and <c>.BTF.ext</c>, applied to its program sections.</summary>
    public static FuzzTarget ObjectBtf { get; } = new("object-btf", RunObjectBtf, [typeof(ElfFormatException), typeof(BtfFormatException), typeof(InstructionFormatException)]);

    /// <summary>Instruction streams in both byte orders, listed in the verifier's syntax and encoded again.</summary>
    public static FuzzTarget Instructions { get; } = new("asm", RunInstructions, [typeof(InstructionFormatException)]);

    /// <summary>Every target.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } = [Elf, Btf, ObjectBtf, Instructions];

    private static void RunElf(byte[] input)
    {
        var elf = ElfFile.Parse(input);
        foreach (var section in elf.Sections)
        {
            _ = section.Name;
            _ = section.Data.Length;
        }

        foreach (var symbol in elf.Symbols)
        {
            _ = symbol.Name;
        }

        foreach (var table in elf.RelocationTables)
        {
            foreach (var relocation in table)
            {
                _ = relocation.Offset;
            }
        }
    }

    private static void RunBtf(byte[] input)
    {
        var spec = BtfSpec.Parse(input);
        var reader = spec.GetTypeReader();
        while (reader.Read())
        {
            _ = reader.NameUtf8.Length;
        }

        // Big blobs (vmlinux) are sampled: building every type of 100k+ would swamp the run.
        uint step = Math.Max(1, spec.LastTypeId / 2000);
        for (uint id = 0; id <= spec.LastTypeId; id += step)
        {
            var type = spec.GetTypeById(id);
            spec.TryGetSize(id, out _);
            spec.TryGetAlignment(id, out _);
            spec.ResolveUnderlyingId(id);
            _ = spec.Walk(id).Take(64).Count();
            if (type.Name.Length > 0)
            {
                _ = spec.FindIds(type.Name, type.Kind, ignoreFlavor: true);
            }
        }
    }

    private static void RunObjectBtf(byte[] input)
    {
        var elf = ElfFile.Parse(input);
        if (elf.FindSection(BtfSpec.ElfSectionName) is null)
        {
            return;
        }

        var btf = BtfSpec.FromElf(elf);
        var ext = BtfExtInfo.FromElf(elf, btf);
        if (ext is null)
        {
            return;
        }

        var order = elf.ByteOrder == ElfByteOrder.BigEndian ? ByteOrder.BigEndian : ByteOrder.LittleEndian;
        foreach (var name in ext.SectionNames)
        {
            if (elf.FindSection(name) is { HasData: true } section)
            {
                ext.Apply(name, Asm.Instructions.Decode(section.Data.Span, order));
            }
        }
    }

    private static void RunInstructions(byte[] input)
    {
        foreach (var order in (ReadOnlySpan<ByteOrder>)[ByteOrder.LittleEndian, ByteOrder.BigEndian])
        {
            Asm.Instructions decoded;
            try
            {
                decoded = Asm.Instructions.Decode(input, order);
            }
            catch (InstructionFormatException) when (order == ByteOrder.LittleEndian)
            {
                continue;
            }

            _ = InstructionListing.Format(decoded);
            if (!decoded.Encode(order).AsSpan().SequenceEqual(input))
            {
                throw new InvalidOperationException("decoded instructions did not encode to the same bytes");
            }
        }
    }
}
