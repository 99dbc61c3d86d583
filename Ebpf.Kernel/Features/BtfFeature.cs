namespace Ebpf.Kernel;

/// <summary>A BTF kind or property <see cref="Features.HaveBtfFeature"/> probes, as libbpf's <c>FEAT_BTF*</c> probes.</summary>
public enum BtfFeature
{
    /// <summary>The kernel loads BTF at all (<c>BPF_BTF_LOAD</c> of one <c>INT</c>, Linux 4.18).</summary>
    Btf,

    /// <summary><c>FUNC</c> and <c>FUNC_PROTO</c> (Linux 5.0).</summary>
    Func,

    /// <summary><c>FUNC</c> with global linkage (Linux 5.6).</summary>
    GlobalFunc,

    /// <summary><c>VAR</c> and <c>DATASEC</c> (Linux 5.2).</summary>
    DataSec,

    /// <summary>A <c>DATASEC</c> whose name starts with <c>?</c> (libbpf's <c>FEAT_BTF_QMARK_DATASEC</c>).</summary>
    QuestionMarkDataSec,

    /// <summary><c>FLOAT</c> (Linux 5.13).</summary>
    Float,

    /// <summary><c>DECL_TAG</c> (Linux 5.16).</summary>
    DeclTag,

    /// <summary><c>TYPE_TAG</c> (Linux 5.17).</summary>
    TypeTag,

    /// <summary><c>ENUM64</c> and signed enums (Linux 6.0).</summary>
    Enum64,
}
