namespace Ebpf.Elf;

/// <summary>A symbol's visibility (low two bits of <c>st_other</c>).</summary>
public enum ElfSymbolVisibility : byte
{
    /// <summary><c>STV_DEFAULT</c>: as given by the binding.</summary>
    Default = 0,
    /// <summary><c>STV_INTERNAL</c>: processor-specific hidden.</summary>
    Internal = 1,
    /// <summary><c>STV_HIDDEN</c>: not visible to other components.</summary>
    Hidden = 2,
    /// <summary><c>STV_PROTECTED</c>: visible but not preemptible.</summary>
    Protected = 3,
}
