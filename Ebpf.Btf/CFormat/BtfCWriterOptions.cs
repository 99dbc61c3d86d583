namespace Ebpf.Btf.CFormat;

/// <summary>Settings for <see cref="BtfCWriter"/>. The defaults give the header <c>bpftool btf dump file FILE format c</c> prints.</summary>
public sealed record BtfCWriterOptions
{
    /// <summary>The default settings.</summary>
    public static BtfCWriterOptions Default { get; } = new();

    /// <summary>The include guard macro; <c>__VMLINUX_H__</c> unless set.</summary>
    public string HeaderGuard { get; init; } = "__VMLINUX_H__";

    /// <summary>Wrap the declarations in <c>#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)</c>
    /// (unless <c>BPF_NO_PRESERVE_ACCESS_INDEX</c> is defined), so field accesses are CO-RE relocatable. True unless set.</summary>
    public bool PreserveAccessIndex { get; init; } = true;

    /// <summary>Give enums whose BTF size is not what their values imply the attribute that forces it:
    /// <c>__attribute__((mode(byte)))</c> for 1-byte enums, <c>mode(word)</c> for 8-byte enums with 32-bit values, as
    /// libbpf 1.2 and later do. bpftool 7.1 (libbpf 1.1) does not, so such enums come out 4 bytes and the structs
    /// holding them can lay out differently from the BTF. False unless set, to match bpftool 7.1.</summary>
    public bool EnumSizeAttributes { get; init; }

    /// <summary>Declare only these types and what they need, in this order; null (the default) declares every type, in id order.</summary>
    public IReadOnlyList<uint>? TypeIds { get; init; }
}
