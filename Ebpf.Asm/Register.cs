namespace Ebpf.Asm;

/// <summary>A BPF register. R0 holds return values, R1-R5 arguments, R6-R9 are callee-saved and R10 is the read-only frame pointer.</summary>
public enum Register : byte
{
    /// <summary>Return value of helpers and of the program.</summary>
    R0 = 0,
    /// <summary>First argument; the context on program entry.</summary>
    R1 = 1,
    /// <summary>Second argument.</summary>
    R2 = 2,
    /// <summary>Third argument.</summary>
    R3 = 3,
    /// <summary>Fourth argument.</summary>
    R4 = 4,
    /// <summary>Fifth argument.</summary>
    R5 = 5,
    /// <summary>Callee-saved register.</summary>
    R6 = 6,
    /// <summary>Callee-saved register.</summary>
    R7 = 7,
    /// <summary>Callee-saved register.</summary>
    R8 = 8,
    /// <summary>Callee-saved register.</summary>
    R9 = 9,
    /// <summary>Read-only frame pointer.</summary>
    R10 = 10,
    /// <summary>Alias of <see cref="R10"/>.</summary>
    RFP = R10,
}
