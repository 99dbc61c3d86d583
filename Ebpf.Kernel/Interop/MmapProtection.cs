namespace Ebpf.Kernel.Interop;

/// <summary>Memory protection of <c>mmap(2)</c> (<c>PROT_*</c>).</summary>
[Flags]
internal enum MmapProtection
{
    /// <summary><c>PROT_NONE</c>.</summary>
    None = 0,
    /// <summary><c>PROT_READ</c>.</summary>
    Read = 1,
    /// <summary><c>PROT_WRITE</c>.</summary>
    Write = 2,
    /// <summary><c>PROT_EXEC</c>.</summary>
    Exec = 4,
}
