namespace Ebpf.Btf;

/// <summary>A CO-RE access resolved against one BTF (libbpf's <c>struct bpf_core_spec</c>): the root type, the
/// named steps, every raw index (anonymous members included) and the bit offset they add up to.</summary>
internal sealed class CoreAccessSpec(BtfSpec btf, uint rootTypeId, CoreRelocationKind kind)
{
    /// <summary>Nesting limit, as libbpf's <c>BPF_CORE_SPEC_MAX_LEN</c>.</summary>
    public const int MaxLength = 64;

    public BtfSpec Btf { get; } = btf;

    public uint RootTypeId { get; } = rootTypeId;

    public CoreRelocationKind Kind { get; } = kind;

    /// <summary>Named member, array element and enumerator steps.</summary>
    public List<CoreAccessor> Accessors { get; } = [];

    /// <summary>Every index of the access string as it applies to this BTF, anonymous members included.</summary>
    public List<int> Raw { get; } = [];

    /// <summary>Bit offset of the accessed field from the start of the root.</summary>
    public long BitOffset { get; set; }

    /// <summary>The raw indexes joined as an access string (<c>0:1:2</c>).</summary>
    public string RawString => string.Join(':', Raw);
}
