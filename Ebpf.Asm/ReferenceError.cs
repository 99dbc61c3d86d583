namespace Ebpf.Asm;

/// <summary>Why a symbol reference in an instruction stream could not be resolved.</summary>
public enum ReferenceError
{
    /// <summary>A jump, call or function pointer names a symbol no instruction defines.</summary>
    UnknownSymbol,
    /// <summary>Two instructions define the same symbol.</summary>
    DuplicateSymbol,
    /// <summary>The distance to the target does not fit the instruction's offset field.</summary>
    OutOfRange,
}
