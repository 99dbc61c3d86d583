namespace Ebpf.Elf;

/// <summary>One relocation entry (<c>Elf64_Rel</c> or <c>Elf64_Rela</c>).</summary>
public readonly struct ElfRelocation
{
    /// <summary>Creates a relocation.</summary>
    public ElfRelocation(ulong offset, ulong info, long addend)
    {
        Offset = offset;
        Info = info;
        Addend = addend;
    }

    /// <summary>Where to apply it (<c>r_offset</c>): a section offset in relocatable files, a virtual address otherwise.</summary>
    public ulong Offset { get; }

    /// <summary>The raw symbol index and type (<c>r_info</c>).</summary>
    public ulong Info { get; }

    /// <summary>The explicit addend (<c>r_addend</c>) of <c>SHT_RELA</c> entries; 0 for <c>SHT_REL</c>.</summary>
    public long Addend { get; }

    /// <summary>Index of the symbol in the linked symbol table (high 32 bits of <c>r_info</c>).</summary>
    public uint SymbolIndex => (uint)(Info >> 32);

    /// <summary>The machine-specific relocation type (low 32 bits of <c>r_info</c>), such as <c>R_BPF_64_64</c> = 1.</summary>
    public uint Type => (uint)Info;

    /// <inheritdoc/>
    public override string ToString() => $"0x{Offset:x} type {Type} symbol {SymbolIndex} addend {Addend}";
}
