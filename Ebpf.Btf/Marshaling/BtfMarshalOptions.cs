namespace Ebpf.Btf.Marshaling;

/// <summary>
/// Rewrites that <see cref="BtfBuilder.Marshal"/> applies so older kernels accept the BTF, following libbpf's
/// <c>bpf_object__sanitize_btf</c>. Every rewrite keeps type ids and record sizes; only the enum64 rewrite
/// appends one type (an <c>int</c> named <c>enum64_placeholder</c>) after the others.
/// </summary>
public sealed record BtfMarshalOptions
{
    /// <summary>No rewrites: the BTF is written as built.</summary>
    public static BtfMarshalOptions None { get; } = new();

    /// <summary>Every rewrite, for kernels that know only the BTF kinds of Linux 4.18.</summary>
    public static BtfMarshalOptions Oldest { get; } = new()
    {
        StripFuncLinkage = true,
        ReplaceFunctions = true,
        ReplaceDataSections = true,
        ReplaceQuestionMarkSectionNames = true,
        ReplaceFloats = true,
        ReplaceDeclTags = true,
        ReplaceTypeTags = true,
        ReplaceEnum64 = true,
    };

    /// <summary>Global and extern functions become static (kernels before 5.6 reject other linkage).</summary>
    public bool StripFuncLinkage { get; init; }

    /// <summary>Functions become typedefs and function prototypes become enums of 4 bytes whose values are the
    /// parameters (kernels before 5.0 know neither kind).</summary>
    public bool ReplaceFunctions { get; init; }

    /// <summary>Variables become 1-byte ints and data sections become structs named with <c>.</c> and <c>?</c>
    /// replaced by <c>_</c>, one member per variable (kernels before 5.2).</summary>
    public bool ReplaceDataSections { get; init; }

    /// <summary>A data section name starting with <c>?</c> gets <c>_</c> instead, for kernels that reject
    /// <c>?</c> in section names (libbpf's <c>FEAT_BTF_QMARK_DATASEC</c>); has no effect when
    /// <see cref="ReplaceDataSections"/> is set.</summary>
    public bool ReplaceQuestionMarkSectionNames { get; init; }

    /// <summary>Floats become anonymous empty structs of the same size (kernels before 5.13).</summary>
    public bool ReplaceFloats { get; init; }

    /// <summary>Declaration tags become 1-byte ints keeping their name (kernels before 5.16).</summary>
    public bool ReplaceDeclTags { get; init; }

    /// <summary>Type tags become anonymous consts of the same target (kernels before 5.17).</summary>
    public bool ReplaceTypeTags { get; init; }

    /// <summary>Enum64s become unions of 1-byte ints, one member per value name, and enums lose their
    /// signedness flag (kernels before 6.0).</summary>
    public bool ReplaceEnum64 { get; init; }

    /// <summary>Whether any rewrite is selected.</summary>
    public bool Any =>
        StripFuncLinkage || ReplaceFunctions || ReplaceDataSections || ReplaceQuestionMarkSectionNames
        || ReplaceFloats || ReplaceDeclTags || ReplaceTypeTags || ReplaceEnum64;
}
