namespace Ebpf.Links;

/// <summary>Where a USDT argument lives: libbpf's <c>enum __bpf_usdt_arg_type</c> (usdt.bpf.h), same values.</summary>
internal enum UsdtArgumentKind : byte
{
    /// <summary><c>BPF_USDT_ARG_CONST</c>: an immediate (<c>-4@$5</c>).</summary>
    Constant = 0,

    /// <summary><c>BPF_USDT_ARG_REG</c>: a register's value (<c>-4@%eax</c>).</summary>
    Register = 1,

    /// <summary><c>BPF_USDT_ARG_REG_DEREF</c>: memory at a register plus an offset (<c>8@-8(%rbp)</c>).</summary>
    RegisterDereference = 2,

    /// <summary>
    /// <c>BPF_USDT_ARG_SIB</c>: memory at base + index × scale + offset (<c>8@8(%rax,%rdx,4)</c>). Read by the
    /// usdt.bpf.h of libbpf 1.7 and later; older headers answer -EINVAL for such an argument.
    /// </summary>
    ScaledIndex = 3,
}
