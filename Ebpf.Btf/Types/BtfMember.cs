namespace Ebpf.Btf;

/// <summary>A member of a struct or union (<c>struct btf_member</c>).</summary>
/// <param name="Name">The member name, or an empty string for an anonymous member.</param>
/// <param name="TypeId">Id of the member's type.</param>
/// <param name="BitOffset">Offset of the member from the start of the struct, in bits.</param>
/// <param name="BitfieldSize">Width of a bitfield in bits, or 0 for an ordinary member.</param>
public readonly record struct BtfMember(string Name, uint TypeId, uint BitOffset, uint BitfieldSize);
