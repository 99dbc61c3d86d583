namespace Ebpf.Btf;

/// <summary>One enumerator of an enum or enum64.</summary>
/// <param name="Name">The enumerator name.</param>
/// <param name="Value">The value: sign-extended when the enum is signed, zero-extended otherwise
/// (an unsigned 64-bit value above <see cref="long.MaxValue"/> is stored as its two's complement).</param>
public readonly record struct BtfEnumValue(string Name, long Value);
