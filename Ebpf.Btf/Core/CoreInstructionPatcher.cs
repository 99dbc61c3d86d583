using Ebpf.Asm;

namespace Ebpf.Btf;

/// <summary>Writes a relocation's value into its instruction (libbpf's <c>bpf_core_patch_insn</c>): the immediate
/// of an ALU instruction, the offset of a load or store (adjusting its size when the field's size changed and that
/// is safe), or the constant of an <c>lddw</c>; or poisons it.</summary>
internal static class CoreInstructionPatcher
{
    /// <summary>Patches instruction <paramref name="index"/>; returns how many instructions it now takes
    /// (0: patched in place; 1: poisoned; 2: a poisoned <c>lddw</c>, now two poison calls).</summary>
    public static int Patch(Instructions instructions, int index, CoreRelocationOutcome outcome)
    {
        var insn = instructions[index];
        if (outcome.Poison)
        {
            return Poison(instructions, index);
        }

        ulong orig = outcome.OriginalValue;
        ulong value = outcome.NewValue;
        switch (insn.OpCode.Class)
        {
            case InstructionClass.Alu or InstructionClass.Alu64:
                if (insn.OpCode.Source != OperandSource.Constant)
                {
                    throw Error(outcome, index, "ALU instruction does not take an immediate");
                }

                if (outcome.Validate && unchecked((ulong)(long)insn.Immediate) != orig)
                {
                    throw Error(outcome, index, $"unexpected ALU immediate: got {insn.Immediate}, expected {orig} -> {value}");
                }

                instructions[index] = insn.WithConstant(unchecked((int)value));
                return 0;

            case InstructionClass.LdX or InstructionClass.St or InstructionClass.StX:
                if (outcome.Validate && unchecked((ulong)(long)insn.Offset) != orig)
                {
                    throw Error(outcome, index, $"unexpected load/store offset: got {insn.Offset}, expected {orig} -> {value}");
                }

                if (value > (ulong)short.MaxValue)
                {
                    throw Error(outcome, index, $"offset {value} does not fit a load/store");
                }

                if (outcome.FailMemorySizeAdjust)
                {
                    // the field changed size and is neither a pointer nor an unsigned integer
                    return Poison(instructions, index);
                }

                insn = insn.WithOffset((short)value);
                if (outcome.NewSize != outcome.OriginalSize)
                {
                    int bytes = OpCode.Bytes(insn.OpCode.Size);
                    if (bytes != outcome.OriginalSize)
                    {
                        throw Error(outcome, index, $"unexpected memory size: got {bytes}, expected {outcome.OriginalSize}");
                    }

                    AccessSize size = outcome.NewSize switch
                    {
                        1 => AccessSize.Byte,
                        2 => AccessSize.Half,
                        4 => AccessSize.Word,
                        8 => AccessSize.DWord,
                        _ => throw Error(outcome, index, $"invalid new memory size {outcome.NewSize}"),
                    };
                    insn = new Instruction(OpCode.Memory(insn.OpCode.Class, insn.OpCode.Mode, size), insn.Dst, insn.Src, insn.Offset, insn.Constant, insn.Metadata);
                }

                instructions[index] = insn;
                return 0;

            case InstructionClass.Ld:
                if (!insn.OpCode.IsLoadImm64 || (byte)insn.Src != 0 || insn.Offset != 0)
                {
                    throw Error(outcome, index, "lddw has an unexpected form");
                }

                if (outcome.Validate && unchecked((ulong)insn.Constant) != orig)
                {
                    throw Error(outcome, index, $"unexpected lddw constant: got {unchecked((ulong)insn.Constant)}, expected {orig} -> {value}");
                }

                instructions[index] = insn.WithConstant(unchecked((long)value));
                return 0;

            default:
                throw Error(outcome, index, $"cannot relocate instruction with opcode {insn.OpCode}");
        }
    }

    private static int Poison(Instructions instructions, int index)
    {
        var insn = instructions[index];
        instructions[index] = CoreRelocationPoison.Create(insn.Metadata);
        if (insn.OpCode.IsLoadImm64)
        {
            // keep the slot layout: both halves of the lddw become poison calls, as in libbpf
            instructions.Insert(index + 1, CoreRelocationPoison.Create());
            return 2;
        }

        return 1;
    }

    private static CoreRelocationException Error(CoreRelocationOutcome outcome, int index, string message) =>
        new($"CO-RE relocation {CoreRelocator.Describe(outcome.Relocation)} at instruction {index}: {message}", outcome.Relocation, index);
}
