namespace Ebpf.Asm;

public sealed partial class Instructions
{
    /// <summary>
    /// Names of the BPF functions these instructions call (<see cref="Instruction.IsFunctionCall"/>) or take
    /// the address of (<see cref="Instruction.IsLoadOfFunctionPointer"/>), each once, in order of first use.
    /// </summary>
    public IReadOnlyList<string> FunctionReferences
    {
        get
        {
            var names = new List<string>();
            HashSet<string>? seen = null;
            foreach (Instruction insn in AsSpan())
            {
                if (insn.Reference is { } name && (insn.IsFunctionCall || insn.IsLoadOfFunctionPointer) && (seen ??= new(StringComparer.Ordinal)).Add(name))
                {
                    names.Add(name);
                }
            }

            return names;
        }
    }

    /// <summary>The slot offset of every symbol (label or function name) defined here.</summary>
    /// <exception cref="InstructionReferenceException">A symbol is defined twice.</exception>
    public IReadOnlyDictionary<string, int> SymbolOffsets() => BuildSymbolTable();

    /// <summary>For every referenced name, the slot offsets of the instructions that refer to it, in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> ReferenceOffsets()
    {
        var references = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (InstructionSlot slot in WithSlots())
        {
            if (slot.Instruction.Reference is not { } name)
            {
                continue;
            }

            if (!references.TryGetValue(name, out List<int>? offsets))
            {
                offsets = [];
                references.Add(name, offsets);
            }

            offsets.Add(slot.SlotOffset);
        }

        return references.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<int>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Rewrites, in place, every jump, BPF-to-BPF call and function pointer load that names a symbol:
    /// jumps get the distance in their offset (<c>gotol</c> in its immediate), calls and function pointers
    /// get it in their immediate, all counted in slots from the slot after the instruction's first.
    /// References of other instructions (maps, kfuncs) are left for a loader. Metadata is kept, so
    /// resolving again after an edit is safe.
    /// </summary>
    /// <exception cref="InstructionReferenceException">A target is unknown, a symbol is defined twice, or a jump is too far.</exception>
    public void ResolveReferences()
    {
        Dictionary<string, int>? symbols = null;
        int slot = 0;
        for (int i = 0; i < _items.Count; i++)
        {
            Instruction insn = _items[i];
            if (NeedsResolution(insn))
            {
                symbols ??= BuildSymbolTable();
                _items[i] = Resolve(insn, slot, symbols); // same slot count: the cached offsets stay valid
            }

            slot += insn.Slots;
        }
    }

    private static bool NeedsResolution(in Instruction insn) =>
        insn.Reference is not null && (insn.IsBranch || insn.IsFunctionCall || insn.IsLoadOfFunctionPointer);

    private static Instruction Resolve(in Instruction insn, int slot, Dictionary<string, int> symbols)
    {
        string name = insn.Reference!;
        if (!symbols.TryGetValue(name, out int target))
        {
            throw new InstructionReferenceException(ReferenceError.UnknownSymbol, name, slot, $"reference to unknown symbol '{name}'");
        }

        long distance = (long)target - slot - 1;
        bool wide = !insn.IsBranch || (insn.OpCode.Class == InstructionClass.Jmp32 && insn.OpCode.JumpOp == JumpOp.Ja);
        if (wide)
        {
            if (distance is < int.MinValue or > int.MaxValue)
            {
                throw new InstructionReferenceException(ReferenceError.OutOfRange, name, slot, $"'{name}' is {distance} slots away, beyond a 32-bit immediate");
            }

            // lddw keeps the distance in the low immediate; the second slot's immediate stays zero.
            return insn.WithConstant(insn.OpCode.IsLoadImm64 ? (uint)(int)distance : distance);
        }

        if (distance is < short.MinValue or > short.MaxValue)
        {
            throw new InstructionReferenceException(ReferenceError.OutOfRange, name, slot, $"jump to '{name}' is {distance} slots away, beyond a 16-bit offset; use gotol (Insn.JaLong)");
        }

        return insn.WithOffset((short)distance);
    }

    private Dictionary<string, int> BuildSymbolTable()
    {
        var symbols = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (InstructionSlot slot in WithSlots())
        {
            if (slot.Instruction.Symbol is { } name && !symbols.TryAdd(name, slot.SlotOffset))
            {
                throw new InstructionReferenceException(ReferenceError.DuplicateSymbol, name, slot.SlotOffset, $"symbol '{name}' is already defined at slot {symbols[name]}");
            }
        }

        return symbols;
    }
}
