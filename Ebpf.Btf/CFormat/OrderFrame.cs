namespace Ebpf.Btf.CFormat;

/// <summary>A type whose dependencies the ordering pass of <see cref="BtfCDumper"/> is walking.</summary>
internal struct OrderFrame
{
    /// <summary>The type id (a pointer, struct, union, typedef or function prototype).</summary>
    public uint Id;

    /// <summary>The type was reached through a pointer, so a named struct or union only needs a forward declaration.</summary>
    public bool ThroughPointer;

    /// <summary>How many dependencies have been ordered so far.</summary>
    public int Next;

    /// <summary>The combined result of the dependencies ordered so far: 1 when one of them must be fully defined first.</summary>
    public int Strong;
}
