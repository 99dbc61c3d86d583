namespace Ebpf.Btf;

/// <summary>One relocated instruction: where it is after patching and what the relocation resolved to.</summary>
/// <param name="InstructionIndex">Index of the patched (or poisoned) instruction in the patched program.</param>
/// <param name="Outcome">The computed values.</param>
public readonly record struct CoreRelocationPatch(int InstructionIndex, CoreRelocationOutcome Outcome);
