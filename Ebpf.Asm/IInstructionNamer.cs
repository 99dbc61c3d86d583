namespace Ebpf.Asm;

/// <summary>
/// Supplies names the instruction itself does not carry, in the way the kernel's
/// <c>struct bpf_insn_cbs</c> callbacks (<c>cb_call</c> and <c>cb_imm</c>) do for
/// <c>print_bpf_insn</c>. Return null from a method to keep the kernel's default text.
/// </summary>
public interface IInstructionNamer
{
    /// <summary>
    /// Names the target of a <c>call</c>. Consulted exactly when the kernel consults <c>cb_call</c>:
    /// for every call except a helper call (source register 0) whose id the kernel knows by name.
    /// </summary>
    /// <param name="call">The call instruction.</param>
    /// <returns>
    /// For a BPF-to-BPF call, the text printed after <c>call pc</c> (the kernel's default is the signed
    /// distance, <c>+5</c>; bpftool prints <c>+5#name</c>); for any other call, the name printed before
    /// <c>#imm</c> (the kernel's default is <c>kernel-function</c> for a kfunc, <c>unknown</c> otherwise).
    /// Null keeps the default.
    /// </returns>
    string? NameCall(in Instruction call);

    /// <summary>
    /// Formats the operand of a 64-bit immediate load (<c>lddw</c>), the kernel's <c>cb_imm</c>.
    /// </summary>
    /// <param name="load">The <c>lddw</c> instruction; <see cref="Instruction.Constant"/> holds the full 64-bit value.</param>
    /// <returns>The operand text, or null for the kernel's default <c>0x%llx</c> of the full value.</returns>
    string? FormatImmediate64(in Instruction load);
}
