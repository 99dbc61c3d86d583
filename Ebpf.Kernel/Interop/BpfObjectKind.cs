namespace Ebpf.Kernel.Interop;

/// <summary>The kinds of kernel object that have ids (<c>BPF_*_GET_NEXT_ID</c>, <c>BPF_*_GET_FD_BY_ID</c>).</summary>
public enum BpfObjectKind
{
    /// <summary>A program.</summary>
    Program,
    /// <summary>A map.</summary>
    Map,
    /// <summary>A link.</summary>
    Link,
    /// <summary>A BTF object.</summary>
    Btf,
}
