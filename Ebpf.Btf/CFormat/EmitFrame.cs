namespace Ebpf.Btf.CFormat;

/// <summary>A type whose dependencies the output pass of <see cref="BtfCDumper"/> is writing.</summary>
internal struct EmitFrame
{
    /// <summary>The type id (a typedef, struct, union or function prototype).</summary>
    public uint Id;

    /// <summary>The struct, union or typedef being defined that this type is part of; 0 at top level.</summary>
    public uint Container;

    /// <summary>How many dependencies have been handled so far.</summary>
    public int Next;
}
