namespace Ebpf.Btf;

/// <summary>One step of a resolved CO-RE access: a named member of a struct or union, an array element
/// (no name), or an enumerator (libbpf's <c>struct bpf_core_accessor</c>).</summary>
/// <param name="TypeId">The struct, union or enum the step indexes into; for an array element, the element type.</param>
/// <param name="Index">Member, element or enumerator index.</param>
/// <param name="Name">The member or enumerator name; null for an array element.</param>
internal readonly record struct CoreAccessor(uint TypeId, int Index, string? Name);
