namespace Ebpf.Asm;

/// <summary>An instruction together with its position in an <see cref="Instructions"/> collection.</summary>
/// <param name="Index">Index in the collection.</param>
/// <param name="SlotOffset">Offset in 8-byte slots from the first instruction (<c>lddw</c> takes two).</param>
/// <param name="Instruction">The instruction.</param>
public readonly record struct InstructionSlot(int Index, int SlotOffset, Instruction Instruction)
{
    /// <summary>Offset in bytes from the first instruction.</summary>
    public int ByteOffset => SlotOffset * Instruction.SlotSize;
}
