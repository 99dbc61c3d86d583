namespace Ebpf.Btf.CFormat;

/// <summary>What a <see cref="DeclarationWork"/> item does.</summary>
internal enum DeclarationWorkKind : byte
{
    /// <summary>Write fixed text.</summary>
    Text,

    /// <summary>Write a struct or union definition, members and all.</summary>
    Composite,

    /// <summary>Write a declaration of a name with a type.</summary>
    Declaration,

    /// <summary>Go on with a declarator that stopped to let nested output be written first.</summary>
    Resume,
}
