namespace Ebpf.Btf;

/// <summary>The kind of a BTF type record (<c>BTF_KIND_*</c>, bits 24-28 of <c>info</c>).</summary>
public enum BtfKind : byte
{
    /// <summary>Type id 0: <c>void</c>. Never the kind of a record.</summary>
    Void = 0,
    /// <summary>An integer (<c>BTF_KIND_INT</c>).</summary>
    Int = 1,
    /// <summary>A pointer (<c>BTF_KIND_PTR</c>).</summary>
    Pointer = 2,
    /// <summary>An array (<c>BTF_KIND_ARRAY</c>).</summary>
    Array = 3,
    /// <summary>A struct (<c>BTF_KIND_STRUCT</c>).</summary>
    Struct = 4,
    /// <summary>A union (<c>BTF_KIND_UNION</c>).</summary>
    Union = 5,
    /// <summary>An enum with 32-bit values (<c>BTF_KIND_ENUM</c>).</summary>
    Enum = 6,
    /// <summary>A forward declaration of a struct or union (<c>BTF_KIND_FWD</c>).</summary>
    Forward = 7,
    /// <summary>A typedef (<c>BTF_KIND_TYPEDEF</c>).</summary>
    Typedef = 8,
    /// <summary>A volatile qualifier (<c>BTF_KIND_VOLATILE</c>).</summary>
    Volatile = 9,
    /// <summary>A const qualifier (<c>BTF_KIND_CONST</c>).</summary>
    Const = 10,
    /// <summary>A restrict qualifier (<c>BTF_KIND_RESTRICT</c>).</summary>
    Restrict = 11,
    /// <summary>A function (<c>BTF_KIND_FUNC</c>).</summary>
    Func = 12,
    /// <summary>A function prototype (<c>BTF_KIND_FUNC_PROTO</c>).</summary>
    FuncProto = 13,
    /// <summary>A variable (<c>BTF_KIND_VAR</c>).</summary>
    Var = 14,
    /// <summary>A data section (<c>BTF_KIND_DATASEC</c>).</summary>
    DataSec = 15,
    /// <summary>A floating point type (<c>BTF_KIND_FLOAT</c>).</summary>
    Float = 16,
    /// <summary>A declaration tag (<c>BTF_KIND_DECL_TAG</c>).</summary>
    DeclTag = 17,
    /// <summary>A type tag (<c>BTF_KIND_TYPE_TAG</c>).</summary>
    TypeTag = 18,
    /// <summary>An enum with 64-bit values (<c>BTF_KIND_ENUM64</c>).</summary>
    Enum64 = 19,
}
