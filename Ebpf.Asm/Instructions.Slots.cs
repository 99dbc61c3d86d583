namespace Ebpf.Asm;

public sealed partial class Instructions
{
    // Slot offset of every instruction, plus the total at the end; rebuilt lazily after a change.
    private int[]? _slotStarts;

    /// <summary>Total number of 8-byte slots, counting <c>lddw</c> as two.</summary>
    public int SlotCount => SlotStarts[^1];

    /// <summary>Encoded size in bytes.</summary>
    public int ByteCount => SlotCount * Instruction.SlotSize;

    /// <summary>Each instruction with its index and slot offset; <c>foreach</c> over it does not allocate.</summary>
    public InstructionSlotEnumerator WithSlots() => new(_items, _items.Count);

    /// <summary>Slot offset of the instruction at <paramref name="index"/>; <see cref="Count"/> gives <see cref="SlotCount"/>.</summary>
    public int SlotOffsetOf(int index)
    {
        int[] starts = SlotStarts;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, _items.Count);
        return starts[index];
    }

    /// <summary>Index of the instruction that starts at <paramref name="slotOffset"/>, or -1 when none does (also for the second half of an <c>lddw</c>).</summary>
    public int IndexOfSlot(int slotOffset)
    {
        int[] starts = SlotStarts;
        int index = Array.BinarySearch(starts, 0, _items.Count, slotOffset);
        return index >= 0 ? index : -1;
    }

    /// <summary>Finds the instruction that starts at <paramref name="slotOffset"/>.</summary>
    public bool TryGetAtSlot(int slotOffset, out Instruction instruction)
    {
        int index = IndexOfSlot(slotOffset);
        instruction = index >= 0 ? _items[index] : default;
        return index >= 0;
    }

    /// <summary>The instruction that starts at <paramref name="slotOffset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No instruction starts there.</exception>
    public Instruction AtSlot(int slotOffset) => TryGetAtSlot(slotOffset, out Instruction instruction)
        ? instruction
        : throw new ArgumentOutOfRangeException(nameof(slotOffset), slotOffset, "no instruction starts at this slot");

    private int[] SlotStarts => _slotStarts ??= ComputeSlotStarts();

    private int[] ComputeSlotStarts()
    {
        var starts = new int[_items.Count + 1];
        int slot = 0;
        for (int i = 0; i < _items.Count; i++)
        {
            starts[i] = slot;
            slot += _items[i].Slots;
        }

        starts[^1] = slot;
        return starts;
    }

    private void Invalidate() => _slotStarts = null;
}
