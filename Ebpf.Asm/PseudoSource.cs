namespace Ebpf.Asm;

/// <summary>Values of the source register that give <c>lddw</c> and <c>call</c> a special meaning.</summary>
public static class PseudoSource
{
    /// <summary><c>lddw</c>: the immediate is a map file descriptor (BPF_PSEUDO_MAP_FD).</summary>
    public const byte MapFd = 1;
    /// <summary><c>lddw</c>: a map fd plus an offset into its value (BPF_PSEUDO_MAP_VALUE).</summary>
    public const byte MapValue = 2;
    /// <summary><c>lddw</c>: a kernel BTF id of a variable (BPF_PSEUDO_BTF_ID).</summary>
    public const byte BtfId = 3;
    /// <summary><c>lddw</c>: the address of a BPF function (BPF_PSEUDO_FUNC).</summary>
    public const byte Func = 4;
    /// <summary><c>lddw</c>: an index into the program's fd array (BPF_PSEUDO_MAP_IDX).</summary>
    public const byte MapIndex = 5;
    /// <summary><c>lddw</c>: a map by fd array index plus a value offset (BPF_PSEUDO_MAP_IDX_VALUE).</summary>
    public const byte MapIndexValue = 6;

    /// <summary><c>call</c>: a BPF-to-BPF call with a relative target (BPF_PSEUDO_CALL).</summary>
    public const byte Call = 1;
    /// <summary><c>call</c>: a kernel function by BTF id (BPF_PSEUDO_KFUNC_CALL).</summary>
    public const byte KfuncCall = 2;
}
