using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

internal sealed partial class ElfObjectReader
{
    // Applies the SHT_REL(A) entries of an executable section, the way libbpf's bpf_program__record_reloc
    // classifies them: extern calls and loads, subprogram calls and addresses, map and global data loads.
    private void Relocate(ElfSection section, Instructions instructions)
    {
        if (!_relocations.TryGetValue(section.Index, out var table))
        {
            return;
        }

        foreach (var relocation in table)
        {
            var symbol = table.GetSymbol(relocation);
            string label = SymbolLabel(symbol);
            if (relocation.Offset % Instruction.SlotSize != 0 || relocation.Offset >= section.Size)
            {
                throw new ElfSpecException($"relocation at byte {relocation.Offset} is not at an instruction", section.Name, label);
            }

            int index = instructions.IndexOfSlot((int)(relocation.Offset / Instruction.SlotSize));
            if (index < 0)
            {
                throw new ElfSpecException($"relocation at byte {relocation.Offset} points into the middle of an lddw", section.Name, label);
            }

            long addend = table.HasAddends ? relocation.Addend : 0;
            instructions[index] = Relocate(section, instructions[index], symbol, label, addend);
        }
    }

    private Instruction Relocate(ElfSection section, Instruction insn, in ElfSymbol symbol, string label, long addend)
    {
        bool isCall = insn.OpCode.IsJump && insn.OpCode.JumpOp == JumpOp.Call;
        bool isLoad = insn.OpCode.IsLoadImm64;
        if (IsExtern(symbol))
        {
            if (isCall)
            {
                return new Instruction(insn.OpCode, insn.Dst, (Register)PseudoSource.KfuncCall, insn.Offset, 0, insn.Metadata).WithReference(label);
            }

            if (isLoad && _kconfigOffsets.TryGetValue(label, out int offset))
            {
                return new Instruction(insn.OpCode, insn.Dst, (Register)PseudoSource.MapValue, insn.Offset, (long)offset << 32, insn.Metadata).WithReference(KconfigSection);
            }

            if (isLoad)
            {
                // A typeless ksym (`extern const void sym __ksym`) is an address from kallsyms in a plain lddw;
                // a typed one (or a kfunc's address) is found in the kernel's BTF.
                var source = IsTypelessKsym(label) ? 0 : (Register)PseudoSource.BtfId;
                return new Instruction(insn.OpCode, insn.Dst, source, insn.Offset, 0, insn.Metadata).WithReference(label);
            }

            throw Unsupported(section, insn, label, "an extern");
        }

        if (!symbol.IsInSection || symbol.SectionIndex >= _elf.Sections.Count)
        {
            throw Unsupported(section, insn, label, "a symbol outside every section");
        }

        var target = _elf.Sections[(int)symbol.SectionIndex];
        if (isCall)
        {
            if (!IsProgramSection(target))
            {
                throw Unsupported(section, insn, label, $"section '{target.Name}', which holds no code");
            }

            // Global functions: symbol at the function, imm -1. Static ones: section symbol, imm = slot - 1.
            long slot = (long)((symbol.Value + (ulong)addend) / Instruction.SlotSize) + insn.Immediate + 1;
            string name = FunctionAt(target, slot, $"the call to '{label}' in '{section.Name}'");
            return new Instruction(insn.OpCode, insn.Dst, (Register)PseudoSource.Call, insn.Offset, -1, insn.Metadata).WithReference(name);
        }

        if (!isLoad)
        {
            throw Unsupported(section, insn, label, $"section '{target.Name}'");
        }

        long byteOffset = (long)symbol.Value + insn.Immediate + addend;
        if (IsProgramSection(target))
        {
            if (byteOffset % Instruction.SlotSize != 0)
            {
                throw Unsupported(section, insn, label, $"byte {byteOffset} of code section '{target.Name}'");
            }

            string name = FunctionAt(target, byteOffset / Instruction.SlotSize, $"the function pointer '{label}' in '{section.Name}'");
            return new Instruction(insn.OpCode, insn.Dst, (Register)PseudoSource.Func, insn.Offset, 0, insn.Metadata).WithReference(name);
        }

        if (IsBtfMapSection(target) || IsLegacyMapSection(target))
        {
            string map = MapSymbolAt(target, symbol, byteOffset, label);
            return new Instruction(insn.OpCode, insn.Dst, (Register)PseudoSource.MapFd, insn.Offset, 0, insn.Metadata).WithReference(map);
        }

        if (target.Name == ArenaSection && _arenaMap is not null)
        {
            if (byteOffset < 0 || (ulong)byteOffset > target.Size)
            {
                throw Unsupported(section, insn, label, $"byte {byteOffset} of the {target.Size}-byte section '{target.Name}'");
            }

            // An __arena global: an address in the arena map, at the variable's offset (libbpf's RELO_DATA on the arena).
            return new Instruction(insn.OpCode, insn.Dst, (Register)PseudoSource.MapValue, insn.Offset, byteOffset << 32, insn.Metadata).WithReference(_arenaMap);
        }

        if (IsDataSection(target))
        {
            if (byteOffset < 0 || (ulong)byteOffset > target.Size)
            {
                throw Unsupported(section, insn, label, $"byte {byteOffset} of the {target.Size}-byte section '{target.Name}'");
            }

            return new Instruction(insn.OpCode, insn.Dst, (Register)PseudoSource.MapValue, insn.Offset, byteOffset << 32, insn.Metadata).WithReference(target.Name);
        }

        throw Unsupported(section, insn, label, $"section '{target.Name}'");
    }

    // libbpf: an extern VAR whose type is void (after modifiers and typedefs) is typeless; without BTF, every one is.
    private bool IsTypelessKsym(string name)
    {
        if (_externTypes is null)
        {
            return true;
        }

        foreach (var type in _externTypes.FindTypes(name, BtfKind.Var))
        {
            if (type is BtfVar var)
            {
                return _externTypes.ResolveUnderlyingId(var.TypeId) == 0;
            }
        }

        return false; // a FUNC: the address of a kfunc (bpf_ksym_exists), found in the kernel's BTF
    }

    private static bool IsExtern(in ElfSymbol symbol) =>
        symbol.IsUndefined && symbol.Type != ElfSymbolType.Section && symbol.Binding is ElfSymbolBinding.Global or ElfSymbolBinding.Weak && symbol.NameOffset != 0;

    // A map is named by its object symbol; a relocation uses it, or (for static maps) the section symbol with
    // the map's offset in the instruction.
    private string MapSymbolAt(ElfSection section, in ElfSymbol symbol, long byteOffset, string label)
    {
        if (symbol.Type != ElfSymbolType.Section)
        {
            return symbol.Name;
        }

        foreach (var candidate in SymbolsIn(section))
        {
            if (candidate.SectionIndex == (uint)section.Index && (long)candidate.Value == byteOffset && candidate.Type == ElfSymbolType.Object && candidate.NameOffset != 0)
            {
                return candidate.Name;
            }
        }

        throw new ElfSpecException($"no map symbol at byte {byteOffset}", section.Name, label);
    }

    private static ElfSpecException Unsupported(ElfSection section, Instruction insn, string label, string what) =>
        new($"unsupported relocation of instruction '{insn}' (opcode 0x{insn.OpCode.Value:x2}) against {what}", section.Name, label);
}
