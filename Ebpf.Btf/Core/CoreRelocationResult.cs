namespace Ebpf.Btf;

/// <summary>What <see cref="CoreRelocator.Apply(Ebpf.Asm.Instructions)"/> did to a program.</summary>
/// <param name="Patches">Every relocated instruction, in program order.</param>
public sealed record CoreRelocationResult(IReadOnlyList<CoreRelocationPatch> Patches)
{
    /// <summary>Number of relocations applied (poisoned ones included).</summary>
    public int Count => Patches.Count;

    /// <summary>Number of instructions poisoned because the target lacks what they need.</summary>
    public int PoisonedCount => Patches.Count(p => p.Poisoned);
}
