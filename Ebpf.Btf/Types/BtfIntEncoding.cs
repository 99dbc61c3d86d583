namespace Ebpf.Btf;

/// <summary>The encoding bits of a BTF integer (<c>BTF_INT_ENCODING</c>).</summary>
[Flags]
public enum BtfIntEncoding : byte
{
    /// <summary>Unsigned, no special meaning.</summary>
    None = 0,
    /// <summary>Signed (<c>BTF_INT_SIGNED</c>).</summary>
    Signed = 1,
    /// <summary>A character (<c>BTF_INT_CHAR</c>).</summary>
    Char = 2,
    /// <summary>A boolean (<c>BTF_INT_BOOL</c>).</summary>
    Bool = 4,
}
