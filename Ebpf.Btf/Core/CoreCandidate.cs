namespace Ebpf.Btf;

/// <summary>A target type a CO-RE relocation may resolve to: same kind as the local type (enum and enum64 count
/// as one) and the same name without its <c>___flavor</c> suffix.</summary>
/// <param name="Spec">The target BTF (vmlinux or a module's split BTF) the type is in.</param>
/// <param name="TypeId">The type's id in <paramref name="Spec"/>.</param>
public readonly record struct CoreCandidate(BtfSpec Spec, uint TypeId);
