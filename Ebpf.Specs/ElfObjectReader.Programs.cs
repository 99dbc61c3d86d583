using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

internal sealed partial class ElfObjectReader
{
    // Function start slots and names of every executable section, from FUNC symbols and BTF function records.
    private readonly Dictionary<int, SortedList<int, string>> _functionStarts = [];

    // End slots (exclusive) of the functions whose symbol has a size, by section and start slot. Code after a
    // function's end and before the next start belongs to none: a weak function the static linker replaced by a
    // strong one leaves its body behind, without a symbol, as libbpf's bpf_object__add_programs ignores it.
    private readonly Dictionary<int, Dictionary<int, int>> _functionEnds = [];

    // Names that more than one function start carries: static functions of different compilation units linked
    // into one object (bpftool gen object) may share a name. Such functions are known by section and offset.
    private readonly HashSet<string> _sharedFunctionNames = new(StringComparer.Ordinal);

    // Every executable section is decoded, annotated with its .BTF.ext records, relocated and cut into functions.
    // Each function outside .text is a program; .text functions are subprograms, linked into every program
    // that reaches them (unless one .text function is all the object holds).
    private void ReadPrograms()
    {
        var sections = _elf.Sections.Where(IsProgramSection).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            _functionStarts[section.Index] = FindFunctionStarts(section);
            foreach (string name in _functionStarts[section.Index].Values)
            {
                if (!seen.Add(name))
                {
                    _sharedFunctionNames.Add(name);
                }
            }
        }

        // Functions by key (FunctionKey): their name for a name only one function has, else name, section and offset.
        var functions = new Dictionary<string, ObjectFunction>(StringComparer.Ordinal);
        var entries = new List<(string Key, string Name, ElfSection Section)>();
        foreach (var section in sections)
        {
            var instructions = Decode(section);
            foreach (var (slot, name) in _functionStarts[section.Index])
            {
                int index = instructions.IndexOfSlot(slot);
                if (index < 0)
                {
                    throw new ElfSpecException($"function starts at slot {slot}, not at an instruction", section.Name, name);
                }

                instructions[index] = instructions[index].WithSymbol(FunctionKey(section, slot, name));
            }

            _ext?.Apply(section.Name, instructions);
            Relocate(section, instructions);
            ResolveLocalCalls(section, instructions);
            foreach (var (slot, name, body) in Split(section, instructions))
            {
                string key = FunctionKey(section, slot, name);
                if (!functions.TryAdd(key, new ObjectFunction(name, body)))
                {
                    throw new ElfSpecException("a function with this name is defined twice", section.Name, key);
                }

                if (section.Name != TextSection)
                {
                    entries.Add((key, name, section));
                }
            }
        }

        // libbpf's legacy rule: the only function of an object is a program even in .text (of unknown type).
        if (functions.Count == 1 && entries.Count == 0)
        {
            var (key, only) = functions.Single();
            entries.Add((key, only.Name, sections.Single(s => s.Name == TextSection)));
        }

        string license = License;
        uint version = KernelVersion;
        var weak = _elf.Symbols.Where(s => IsExtern(s) && s.Binding == ElfSymbolBinding.Weak && !_kconfigOffsets.ContainsKey(s.Name)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, name, section) in entries)
        {
            var program = NewProgram(name, section, ProgramLinker.Link(key, section.Name, functions), license, version) with { WeakKernelSymbols = weak };
            if (!_spec.Programs.TryAdd(name, program))
            {
                throw new ElfSpecException("a program with this name is defined twice", section.Name, name);
            }
        }
    }

    // How instructions name the function starting at a slot while the object is read: its name, unless another
    // function has the same name; then its name, section and byte offset, which no C name can be.
    private string FunctionKey(ElfSection section, int slot, string name) =>
        _sharedFunctionNames.Contains(name) ? $"{name}@{section.Name}+0x{slot * Instruction.SlotSize:x}" : name;

    private ProgramSpec NewProgram(string name, ElfSection section, Instructions instructions, string license, uint version)
    {
        var flags = ProgramFlags.None;
        ProgramSections.TryMatch(section.Name, out var match);
        if (match is not null)
        {
            flags |= match.Definition.IsSleepable ? ProgramFlags.Sleepable : 0;
            flags |= match.Definition.IsXdpFrags ? ProgramFlags.XdpHasFrags : 0;
        }

        return new ProgramSpec
        {
            Name = name,
            Type = match?.ProgramType ?? BpfProgramType.Unspec,
            AttachType = match?.ExpectedAttachType,
            AttachTo = match?.Target,
            Flags = flags,
            SectionName = match?.SectionName ?? section.Name.TrimStart('?'),
            Instructions = instructions,
            License = license,
            KernelVersion = version,
            ByteOrder = _order,
            Btf = _btf,
            Autoload = match?.Autoload ?? !section.Name.StartsWith('?'),
        };
    }

    private Instructions Decode(ElfSection section)
    {
        if (section.Size % Instruction.SlotSize != 0)
        {
            throw new ElfSpecException($"code of {section.Size} bytes is not a whole number of instructions", section.Name);
        }

        try
        {
            return Instructions.Decode(section.Data.Span, _order);
        }
        catch (InstructionFormatException e)
        {
            throw new ElfSpecException($"malformed code: {e.Message}", section.Name, innerException: e);
        }
    }

    private SortedList<int, string> FindFunctionStarts(ElfSection section)
    {
        var starts = new SortedList<int, string>();
        var ends = new Dictionary<int, int>();
        _functionEnds[section.Index] = ends;
        foreach (var symbol in SymbolsIn(section))
        {
            if (symbol.Type != ElfSymbolType.Function || symbol.SectionIndex != (uint)section.Index)
            {
                continue;
            }

            if (symbol.Value % Instruction.SlotSize != 0 || symbol.Value >= section.Size)
            {
                throw new ElfSpecException($"function at byte {symbol.Value} is not at an instruction of the {section.Size}-byte section", section.Name, symbol.Name);
            }

            int start = (int)(symbol.Value / Instruction.SlotSize);
            if (starts.TryAdd(start, symbol.Name) && symbol.Size > 0 && symbol.Size % Instruction.SlotSize == 0 && symbol.Size <= section.Size - symbol.Value)
            {
                ends[start] = start + (int)(symbol.Size / Instruction.SlotSize);
            }
        }

        if (_ext is not null && _btf is not null)
        {
            // Records of functions without a symbol; a linked object also keeps the records of replaced weak
            // functions, whose name a symbol elsewhere now holds.
            var named = new HashSet<string>(starts.Values, StringComparer.Ordinal);
            foreach (var record in _ext.FuncInfosOf(section.Name))
            {
                if (_btf.TryGetTypeById(record.TypeId, out var type) && type is BtfFunc func && record.ByteOffset % Instruction.SlotSize == 0
                    && !named.Contains(func.Name) && !IsInsideFunction(starts, ends, record.Slot))
                {
                    if (starts.TryAdd(record.Slot, func.Name))
                    {
                        named.Add(func.Name);
                    }
                }
            }
        }

        return starts;
    }

    // Whether a slot lies inside a sized function, after its start.
    private static bool IsInsideFunction(SortedList<int, string> starts, Dictionary<int, int> ends, int slot)
    {
        foreach (var (start, end) in ends)
        {
            if (slot > start && slot < end)
            {
                return true;
            }
        }

        return false;
    }

    // Whether a slot is in some function: at or after a start, before the function's end when its size is known.
    private bool IsInFunction(ElfSection section, int slot)
    {
        var starts = _functionStarts[section.Index];
        var ends = _functionEnds[section.Index];
        int owner = -1;
        foreach (int start in starts.Keys)
        {
            if (start > slot)
            {
                break;
            }

            owner = start;
        }

        return owner >= 0 && (!ends.TryGetValue(owner, out int end) || slot < end);
    }

    // The key (FunctionKey) of the function starting at a slot of a section, or an error naming what pointed there.
    private string FunctionAt(ElfSection section, long slot, string what)
    {
        if (_functionStarts.TryGetValue(section.Index, out var starts) && slot is >= 0 and <= int.MaxValue && starts.TryGetValue((int)slot, out var name))
        {
            return FunctionKey(section, (int)slot, name);
        }

        throw new ElfSpecException($"{what} targets slot {slot}, where no function starts", section.Name);
    }

    // Calls (and function pointers) within a section that clang resolved itself, without a relocation.
    private void ResolveLocalCalls(ElfSection section, Instructions instructions)
    {
        int slot = 0;
        for (int i = 0; i < instructions.Count; i++)
        {
            var insn = instructions[i];
            if ((insn.IsFunctionCall || insn.IsLoadOfFunctionPointer) && insn.Reference is null && IsInFunction(section, slot))
            {
                string target = FunctionAt(section, slot + (long)insn.Immediate + 1, $"the call at slot {slot}");
                instructions[i] = insn.WithReference(target);
            }

            slot += insn.Slots;
        }
    }

    // Cuts a section at its function starts and ends; code outside every function (before the first, or after a
    // sized function's end) belongs to none and is dropped.
    private IEnumerable<(int Slot, string Name, Instructions Body)> Split(ElfSection section, Instructions instructions)
    {
        var starts = _functionStarts[section.Index];
        var ends = _functionEnds[section.Index];
        if (starts.Count == 0)
        {
            throw new ElfSpecException("code without a function symbol", section.Name);
        }

        for (int f = 0; f < starts.Count; f++)
        {
            int first = instructions.IndexOfSlot(starts.Keys[f]);
            int end = f + 1 < starts.Count ? instructions.IndexOfSlot(starts.Keys[f + 1]) : instructions.Count;
            if (ends.TryGetValue(starts.Keys[f], out int endSlot) && instructions.IndexOfSlot(endSlot) is int sized and >= 0 && sized < end)
            {
                end = sized;
            }

            // A function that is its whole section (a program alone in its section, the usual case) keeps the
            // section's instructions: nothing else holds them once the section is cut.
            if (first == 0 && end == instructions.Count)
            {
                yield return (starts.Keys[f], starts.Values[f], instructions);
                continue;
            }

            var body = new Instructions(end - first);
            for (int i = first; i < end; i++)
            {
                body.Add(instructions[i]);
            }

            yield return (starts.Keys[f], starts.Values[f], body);
        }
    }
}
