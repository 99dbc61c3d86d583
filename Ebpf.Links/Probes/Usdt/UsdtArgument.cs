namespace Ebpf.Links;

/// <summary>
/// One parsed USDT argument: what libbpf's <c>struct __bpf_usdt_arg_spec</c> holds (see <see cref="UsdtSpec"/>).
/// </summary>
/// <param name="Kind">Where the value lives.</param>
/// <param name="Size">Its size in bytes: 1, 2, 4 or 8.</param>
/// <param name="Signed">Whether it is sign-extended to 64 bits (a negative size in the specification).</param>
/// <param name="Value">The constant, or the memory offset added to the register(s); 0 for a register.</param>
/// <param name="RegisterOffset">The offset of the (base) register in <c>struct pt_regs</c>; 0 for a constant.</param>
/// <param name="IndexRegisterOffset">The offset of the index register in <c>struct pt_regs</c> (<see cref="UsdtArgumentKind.ScaledIndex"/> only).</param>
/// <param name="ScaleShift">log2 of the index scale 1, 2, 4 or 8 (<see cref="UsdtArgumentKind.ScaledIndex"/> only).</param>
internal readonly record struct UsdtArgument(UsdtArgumentKind Kind, int Size, bool Signed, long Value, short RegisterOffset,
    short IndexRegisterOffset = 0, byte ScaleShift = 0)
{
    /// <summary>The bits to clear (and sign-extend) to widen the value to 64 bits: <c>arg_bitshift</c> = 64 - 8 × size.</summary>
    public byte BitShift => (byte)(64 - (8 * Size));
}
