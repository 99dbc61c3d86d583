namespace Ebpf.Elf;

/// <summary>A segment's permission flags (<c>p_flags</c>).</summary>
[Flags]
public enum ElfSegmentFlags : uint
{
    /// <summary>No access.</summary>
    None = 0,
    /// <summary><c>PF_X</c>: executable.</summary>
    Execute = 0x1,
    /// <summary><c>PF_W</c>: writable.</summary>
    Write = 0x2,
    /// <summary><c>PF_R</c>: readable.</summary>
    Read = 0x4,
}
