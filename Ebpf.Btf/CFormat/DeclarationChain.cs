namespace Ebpf.Btf.CFormat;

/// <summary>A declarator being written: the chain of types from the declared name down to a named or base type
/// (e.g. array, pointer, const, int), used as a stack whose top is the innermost type.</summary>
internal sealed class DeclarationChain(List<uint> ids, string name, int level)
{
    /// <summary>The type ids still to write, outermost first.</summary>
    public List<uint> Ids { get; } = ids;

    /// <summary>The declared name, or an empty string.</summary>
    public string Name { get; } = name;

    /// <summary>Indent level for written-out anonymous types.</summary>
    public int Level { get; } = level;

    /// <summary>The last thing written was a <c>*</c>, so what follows needs no space.</summary>
    public bool LastWasPointer { get; set; } = true;

    /// <summary>The innermost type left; the chain must not be empty.</summary>
    public uint Peek() => Ids[^1];

    /// <summary>Takes the innermost type left.</summary>
    public uint Pop()
    {
        uint id = Ids[^1];
        Ids.RemoveAt(Ids.Count - 1);
        return id;
    }
}
