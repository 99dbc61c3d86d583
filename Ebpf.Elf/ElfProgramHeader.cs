namespace Ebpf.Elf;

/// <summary>One program header (segment) of an executable or shared object.</summary>
public readonly struct ElfProgramHeader
{
    /// <summary>The segment type (<c>p_type</c>).</summary>
    public ElfSegmentType Type { get; internal init; }

    /// <summary>The permission flags (<c>p_flags</c>).</summary>
    public ElfSegmentFlags Flags { get; internal init; }

    /// <summary>File offset of the segment (<c>p_offset</c>).</summary>
    public ulong Offset { get; internal init; }

    /// <summary>Virtual address of the segment (<c>p_vaddr</c>).</summary>
    public ulong VirtualAddress { get; internal init; }

    /// <summary>Physical address of the segment (<c>p_paddr</c>).</summary>
    public ulong PhysicalAddress { get; internal init; }

    /// <summary>Size of the segment in the file (<c>p_filesz</c>).</summary>
    public ulong FileSize { get; internal init; }

    /// <summary>Size of the segment in memory (<c>p_memsz</c>).</summary>
    public ulong MemorySize { get; internal init; }

    /// <summary>Alignment (<c>p_align</c>).</summary>
    public ulong Alignment { get; internal init; }

    /// <summary>The segment's file contents, validated to lie within the file.</summary>
    public ReadOnlyMemory<byte> Data { get; internal init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} offset 0x{Offset:x} vaddr 0x{VirtualAddress:x} filesz 0x{FileSize:x} memsz 0x{MemorySize:x} {Flags}";
}
