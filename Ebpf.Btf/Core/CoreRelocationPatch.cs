namespace Ebpf.Btf;

/// <summary>One relocated instruction: where it is after patching and what the relocation resolved to.</summary>
/// <param name="InstructionIndex">Index of the patched (or poisoned) instruction in the patched program.</param>
/// <param name="Outcome">The computed values.</param>
/// <param name="Poisoned">Whether the instruction became a poison call (<see cref="CoreRelocationPoison"/>).</param>
public readonly record struct CoreRelocationPatch(int InstructionIndex, CoreRelocationOutcome Outcome, bool Poisoned);
