using Ebpf.Asm;
using Ebpf.Elf;

namespace Ebpf.Cli.Disasm;

/// <summary>Decodes the executable sections of a BPF ELF object and names functions and relocation targets.</summary>
public static class ObjectDisassembler
{
    /// <summary>Disassembles every executable section of <paramref name="elf"/>, or only <paramref name="sectionName"/>.</summary>
    /// <exception cref="ArgumentException">The object has no executable section of that name.</exception>
    public static IReadOnlyList<DisassembledSection> Disassemble(ElfFile elf, string? sectionName = null)
    {
        var order = elf.ByteOrder == ElfByteOrder.BigEndian ? ByteOrder.BigEndian : ByteOrder.LittleEndian;
        var result = new List<DisassembledSection>();
        foreach (var section in elf.Sections)
        {
            if (section.Type != ElfSectionType.ProgBits || (section.Flags & ElfSectionFlags.ExecInstr) == 0 || section.Size == 0)
            {
                continue;
            }

            if (sectionName != null && section.Name != sectionName)
            {
                continue;
            }

            var instructions = Instructions.Decode(section.Data.Span, order);
            AttachSymbols(elf, section, instructions);
            AttachReferences(elf, section, instructions);
            result.Add(new DisassembledSection(section.Name, section.Data, instructions, order));
        }

        if (sectionName != null && result.Count == 0)
        {
            throw new ArgumentException($"no executable section named '{sectionName}'", nameof(sectionName));
        }

        return result;
    }

    private static void AttachSymbols(ElfFile elf, ElfSection section, Instructions instructions)
    {
        foreach (var symbol in elf.Symbols)
        {
            if (symbol.Type == ElfSymbolType.Function && symbol.IsInSection && symbol.SectionIndex == (uint)section.Index)
            {
                int index = IndexAtByte(instructions, symbol.Value);
                if (index >= 0)
                {
                    instructions[index] = instructions[index].WithSymbol(symbol.Name);
                }
            }
        }
    }

    private static void AttachReferences(ElfFile elf, ElfSection section, Instructions instructions)
    {
        foreach (var table in elf.RelocationTables)
        {
            if (table.TargetSection?.Index != section.Index)
            {
                continue;
            }

            foreach (var relocation in table)
            {
                int index = IndexAtByte(instructions, relocation.Offset);
                if (index < 0)
                {
                    continue;
                }

                var insn = instructions[index];
                string? name = ReferenceName(elf, table.GetSymbol(relocation), insn);
                if (name != null)
                {
                    instructions[index] = insn.WithReference(name);
                }
            }
        }
    }

    /// <summary>The symbol name a relocation points at; for section symbols, the function at the target or the section name.</summary>
    private static string? ReferenceName(ElfFile elf, ElfSymbol symbol, in Instruction insn)
    {
        if (symbol.Type != ElfSymbolType.Section)
        {
            return symbol.Name.Length > 0 ? symbol.Name : null;
        }

        if (!symbol.IsInSection || symbol.SectionIndex >= (uint)elf.Sections.Count)
        {
            return null;
        }

        var target = elf.Sections[(int)symbol.SectionIndex];
        bool code = (target.Flags & ElfSectionFlags.ExecInstr) != 0;
        if (insn.IsFunctionCall || (code && insn.OpCode.IsLoadImm64))
        {
            // Section-relative code references: a call's immediate counts slots after the next one,
            // an lddw of a code address (a callback; clang leaves the pseudo source to the loader)
            // holds a byte offset.
            long offset = insn.IsFunctionCall
                ? (long)symbol.Value + ((long)insn.Immediate + 1) * Instruction.SlotSize
                : (long)symbol.Value + insn.Immediate;
            foreach (var candidate in elf.Symbols)
            {
                if (candidate.Type == ElfSymbolType.Function && candidate.SectionIndex == symbol.SectionIndex && (long)candidate.Value == offset)
                {
                    return candidate.Name;
                }
            }
        }

        return target.Name;
    }

    private static int IndexAtByte(Instructions instructions, ulong byteOffset)
    {
        if (byteOffset % Instruction.SlotSize != 0 || byteOffset / Instruction.SlotSize > int.MaxValue)
        {
            return -1;
        }

        return instructions.IndexOfSlot((int)(byteOffset / Instruction.SlotSize));
    }
}
