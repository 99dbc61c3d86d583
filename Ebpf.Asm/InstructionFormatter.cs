namespace Ebpf.Asm;

/// <summary>Prints instructions in the kernel verifier's syntax. (Placeholder until the full formatter lands.)</summary>
public static class InstructionFormatter
{
    /// <summary>Formats one instruction.</summary>
    public static string Format(in Instruction instruction) => $"(0x{instruction.OpCode.Value:x2}) dst=r{(byte)instruction.Dst} src=r{(byte)instruction.Src} off={instruction.Offset} imm={instruction.Constant}";
}
