namespace Ebpf.Btf.CFormat;

/// <summary>One step of writing C declarations. <see cref="BtfCDumper"/> keeps these on a stack instead of
/// recursing, so nested anonymous structs, arrays and function pointers cost no call stack.</summary>
internal readonly struct DeclarationWork
{
    private DeclarationWork(DeclarationWorkKind kind, string? text, uint id, int level, DeclarationChain? chain)
    {
        Kind = kind;
        Text = text;
        Id = id;
        Level = level;
        Chain = chain;
    }

    /// <summary>What to do.</summary>
    public DeclarationWorkKind Kind { get; }

    /// <summary>The text to write, or the declared name of a <see cref="DeclarationWorkKind.Declaration"/>.</summary>
    public string? Text { get; }

    /// <summary>The type id.</summary>
    public uint Id { get; }

    /// <summary>The indent level.</summary>
    public int Level { get; }

    /// <summary>The declarator to go on with.</summary>
    public DeclarationChain? Chain { get; }

    /// <summary>Writes fixed text.</summary>
    public static DeclarationWork Write(string text) => new(DeclarationWorkKind.Text, text, 0, 0, null);

    /// <summary>Writes a struct or union definition.</summary>
    public static DeclarationWork Composite(uint id, int level) => new(DeclarationWorkKind.Composite, null, id, level, null);

    /// <summary>Writes <paramref name="name"/> declared with type <paramref name="id"/>.</summary>
    public static DeclarationWork Declaration(uint id, string name, int level) => new(DeclarationWorkKind.Declaration, name, id, level, null);

    /// <summary>Goes on with a declarator.</summary>
    public static DeclarationWork Resume(DeclarationChain chain) => new(DeclarationWorkKind.Resume, null, 0, 0, chain);
}
