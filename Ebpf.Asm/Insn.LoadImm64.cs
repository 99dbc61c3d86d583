namespace Ebpf.Asm;

public static partial class Insn
{
    /// <summary><c>dst = value ll</c>: the two-slot 64-bit immediate load (<c>lddw</c>).</summary>
    public static Instruction LoadImm64(Register dst, long value) => LoadPseudo(dst, 0, value);

    /// <summary>
    /// <c>dst = map</c>: loads the address of the map named <paramref name="mapName"/> (source
    /// <see cref="PseudoSource.MapFd"/>). The name is kept in <see cref="InstructionMetadata.Reference"/>;
    /// a loader puts the map's fd into the immediate.
    /// </summary>
    public static Instruction LoadMapPtr(Register dst, string mapName) =>
        LoadPseudo(dst, PseudoSource.MapFd, 0).WithReference(RequireLabel(mapName, nameof(mapName)));

    /// <summary><c>dst = map_by_fd(fd)</c> (source <see cref="PseudoSource.MapFd"/>).</summary>
    public static Instruction LoadMapPtr(Register dst, int fd) => LoadPseudo(dst, PseudoSource.MapFd, (uint)fd);

    /// <summary>
    /// <c>dst = &amp;map_value + offset</c>: the address of byte <paramref name="offset"/> of the value of
    /// the single-element map named <paramref name="mapName"/>, such as <c>.data</c> or <c>.bss</c>
    /// (source <see cref="PseudoSource.MapValue"/>; the offset sits in the second slot's immediate).
    /// </summary>
    public static Instruction LoadMapValue(Register dst, string mapName, int offset) =>
        LoadMapValue(dst, 0, offset).WithReference(RequireLabel(mapName, nameof(mapName)));

    /// <summary><c>dst = mva(map_by_fd(fd)) + offset</c> (source <see cref="PseudoSource.MapValue"/>).</summary>
    public static Instruction LoadMapValue(Register dst, int fd, int offset) =>
        LoadPseudo(dst, PseudoSource.MapValue, ((long)offset << 32) | (uint)fd);

    /// <summary><c>dst = map_by_idx(index)</c>: a map by its index in the program's fd array (source <see cref="PseudoSource.MapIndex"/>).</summary>
    public static Instruction LoadMapByIndex(Register dst, int index) => LoadPseudo(dst, PseudoSource.MapIndex, (uint)index);

    /// <summary><c>dst = mva(map_by_idx(index)) + offset</c> (source <see cref="PseudoSource.MapIndexValue"/>).</summary>
    public static Instruction LoadMapValueByIndex(Register dst, int index, int offset) =>
        LoadPseudo(dst, PseudoSource.MapIndexValue, ((long)offset << 32) | (uint)index);

    /// <summary>
    /// <c>dst = &amp;function</c>: the address of the BPF function whose first instruction has symbol
    /// <paramref name="function"/>, for callbacks (source <see cref="PseudoSource.Func"/>). The relative
    /// immediate is filled in on resolution.
    /// </summary>
    public static Instruction LoadFunctionPointer(Register dst, string function) =>
        LoadPseudo(dst, PseudoSource.Func, 0).WithReference(RequireLabel(function, nameof(function)));

    /// <summary><c>dst = variable_addr(btfId)</c>: the address of a kernel variable by BTF id (source <see cref="PseudoSource.BtfId"/>).</summary>
    public static Instruction LoadKernelVariable(Register dst, int btfId) => LoadPseudo(dst, PseudoSource.BtfId, (uint)btfId);

    private static Instruction LoadPseudo(Register dst, byte source, long constant) =>
        new(OpCode.LoadImm64, dst, (Register)source, 0, constant);
}
