namespace Ebpf.Specs;

/// <summary>
/// Properties of a program section definition, with the same bit values as libbpf's
/// <c>enum sec_def_flags</c> (<c>SEC_NONE</c>, <c>SEC_EXP_ATTACH_OPT</c>, ...).
/// </summary>
[Flags]
public enum ProgramSectionFlags
{
    /// <summary>No special handling (<c>SEC_NONE</c>).</summary>
    None = 0,

    /// <summary>
    /// The expected attach type is dropped when the kernel does not support it (<c>SEC_EXP_ATTACH_OPT</c>):
    /// such programs also load on kernels older than their attach type.
    /// </summary>
    ExpectedAttachTypeOptional = 1,

    /// <summary>
    /// Legacy marker for programs attached with <c>BPF_PROG_ATTACH</c> (<c>SEC_ATTACHABLE</c>); libbpf only
    /// uses it to answer <c>libbpf_attach_type_by_name</c>.
    /// </summary>
    Attachable = 2,

    /// <summary>The attach target is a BTF type, in the kernel or in another BPF program (<c>SEC_ATTACH_BTF</c>).</summary>
    AttachBtf = 4,

    /// <summary>The program may sleep: it is loaded with <c>BPF_F_SLEEPABLE</c> (<c>SEC_SLEEPABLE</c>).</summary>
    Sleepable = 8,

    /// <summary>The XDP program handles multi-buffer packets: it is loaded with <c>BPF_F_XDP_HAS_FRAGS</c> (<c>SEC_XDP_FRAGS</c>).</summary>
    XdpFrags = 16,

    /// <summary>
    /// A USDT probe (<c>SEC_USDT</c>): its expected attach type becomes <c>BPF_TRACE_UPROBE_MULTI</c> when the
    /// kernel supports uprobe multi links.
    /// </summary>
    Usdt = 32,
}
