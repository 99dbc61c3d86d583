namespace Ebpf.Btf;

/// <summary>Linkage of a BTF function (its <c>vlen</c>) or variable (<c>btf_var.linkage</c>).</summary>
public enum BtfLinkage : uint
{
    /// <summary>Static: not visible outside its object.</summary>
    Static = 0,
    /// <summary>Global and defined here (<c>BTF_FUNC_GLOBAL</c>, <c>BTF_VAR_GLOBAL_ALLOCATED</c>).</summary>
    Global = 1,
    /// <summary>Declared here, defined elsewhere (<c>BTF_FUNC_EXTERN</c>, <c>BTF_VAR_GLOBAL_EXTERN</c>).</summary>
    Extern = 2,
}
