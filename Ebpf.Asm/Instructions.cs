using System.Collections;
using System.Runtime.InteropServices;

namespace Ebpf.Asm;

/// <summary>
/// An ordered list of instructions: a function, a program or a whole section. Knows the slot offset of
/// every instruction (<c>lddw</c> takes two 8-byte slots), resolves label references of jumps and calls,
/// and encodes to and decodes from the kernel's binary format.
/// </summary>
/// <remarks>
/// Build one with a collection initializer:
/// <code>
/// var prog = new Instructions
/// {
///     Insn.Mov.Imm(Register.R0, 0),
///     Insn.JEq.Imm(Register.R1, 0, "out"),
///     Insn.Mov.Imm(Register.R0, 1),
///     Insn.Exit().WithSymbol("out"),
/// };
/// byte[] bytes = prog.Encode(ByteOrder.LittleEndian);
/// </code>
/// </remarks>
public sealed partial class Instructions : IList<Instruction>, IReadOnlyList<Instruction>
{
    private readonly List<Instruction> _items;

    /// <summary>Creates an empty list.</summary>
    public Instructions()
    {
        _items = [];
    }

    /// <summary>Creates an empty list with room for <paramref name="capacity"/> instructions.</summary>
    public Instructions(int capacity)
    {
        _items = new List<Instruction>(capacity);
    }

    /// <summary>Creates a list holding <paramref name="instructions"/>.</summary>
    public Instructions(IEnumerable<Instruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        _items = [.. instructions];
    }

    /// <summary>Number of instructions (not slots; see <see cref="SlotCount"/>).</summary>
    public int Count => _items.Count;

    /// <inheritdoc />
    bool ICollection<Instruction>.IsReadOnly => false;

    /// <summary>The instruction at <paramref name="index"/> (an index, not a slot offset; see <see cref="AtSlot"/>).</summary>
    public Instruction this[int index]
    {
        get => _items[index];
        set
        {
            // Slot offsets only move when the replaced instruction's width changes; keep the index otherwise.
            bool sameWidth = _items[index].Slots == value.Slots;
            _items[index] = value;
            if (!sameWidth)
            {
                Invalidate();
            }
        }
    }

    /// <summary>Appends an instruction.</summary>
    public void Add(Instruction instruction)
    {
        _items.Add(instruction);
        Invalidate();
    }

    /// <summary>Appends instructions.</summary>
    public void AddRange(IEnumerable<Instruction> instructions)
    {
        _items.AddRange(instructions);
        Invalidate();
    }

    /// <inheritdoc />
    public void Insert(int index, Instruction item)
    {
        _items.Insert(index, item);
        Invalidate();
    }

    /// <inheritdoc />
    public void RemoveAt(int index)
    {
        _items.RemoveAt(index);
        Invalidate();
    }

    /// <summary>Removes the first instruction equal to <paramref name="item"/> (metadata is not compared).</summary>
    public bool Remove(Instruction item)
    {
        bool removed = _items.Remove(item);
        Invalidate();
        return removed;
    }

    /// <inheritdoc />
    public void Clear()
    {
        _items.Clear();
        Invalidate();
    }

    /// <summary>True when an instruction equal to <paramref name="item"/> is present (metadata is not compared).</summary>
    public bool Contains(Instruction item) => _items.Contains(item);

    /// <summary>Index of the first instruction equal to <paramref name="item"/>, or -1 (metadata is not compared).</summary>
    public int IndexOf(Instruction item) => _items.IndexOf(item);

    /// <inheritdoc />
    public void CopyTo(Instruction[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

    /// <summary>The instructions as a span, valid until the list is next changed.</summary>
    public ReadOnlySpan<Instruction> AsSpan() => CollectionsMarshal.AsSpan(_items);

    /// <summary>A struct enumerator: <c>foreach</c> over the list does not allocate.</summary>
    public List<Instruction>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<Instruction> IEnumerable<Instruction>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>One line per instruction: its slot offset and its text.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        foreach (InstructionSlot slot in WithSlots())
        {
            if (slot.Instruction.Symbol is { } symbol)
            {
                text.Append(symbol).Append(":\n");
            }

            text.Append(slot.SlotOffset.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5))
                .Append(": ")
                .Append(slot.Instruction.ToString())
                .Append('\n');
        }

        return text.ToString();
    }
}
