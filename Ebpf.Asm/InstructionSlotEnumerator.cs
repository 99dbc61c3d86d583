using System.Collections;

namespace Ebpf.Asm;

/// <summary>
/// Walks an instruction list yielding each instruction with its index and slot offset, without allocating
/// in a <c>foreach</c>. Returned by <see cref="Instructions.WithSlots"/>.
/// </summary>
public struct InstructionSlotEnumerator : IEnumerator<InstructionSlot>, IEnumerable<InstructionSlot>
{
    private readonly List<Instruction> _items;
    private readonly int _count;
    private int _index;
    private int _nextSlot;

    internal InstructionSlotEnumerator(List<Instruction> items, int count)
    {
        _items = items;
        _count = count;
        _index = -1;
        _nextSlot = 0;
        Current = default;
    }

    /// <inheritdoc />
    public InstructionSlot Current { get; private set; }

    readonly object IEnumerator.Current => Current;

    /// <inheritdoc />
    public bool MoveNext()
    {
        if (_index + 1 >= _count)
        {
            _index = _count;
            return false;
        }

        _index++;
        Instruction insn = _items[_index];
        Current = new InstructionSlot(_index, _nextSlot, insn);
        _nextSlot += insn.Slots;
        return true;
    }

    /// <inheritdoc />
    public void Reset()
    {
        _index = -1;
        _nextSlot = 0;
        Current = default;
    }

    /// <summary>Returns a fresh copy positioned before the first instruction, so that <c>foreach</c> works.</summary>
    public readonly InstructionSlotEnumerator GetEnumerator() => new(_items, _count);

    readonly IEnumerator<InstructionSlot> IEnumerable<InstructionSlot>.GetEnumerator() => GetEnumerator();

    readonly IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public readonly void Dispose()
    {
    }
}
