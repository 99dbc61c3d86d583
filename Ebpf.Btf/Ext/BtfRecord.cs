namespace Ebpf.Btf;

/// <summary>A view of one raw type record (<c>struct btf_type</c> and what follows it), read in place.</summary>
internal readonly struct BtfRecord
{
    private readonly BtfSpec _spec;

    internal BtfRecord(BtfSpec spec, int offset)
    {
        _spec = spec;
        Offset = offset;
    }

    /// <summary>The blob the record belongs to (a base for a split BTF's inherited ids).</summary>
    public BtfSpec Spec => _spec;

    /// <summary>Byte offset of the record in its blob.</summary>
    public int Offset { get; }

    public uint NameOffset => _spec.ReadWord(Offset);

    public uint Info => _spec.ReadWord(Offset + 4);

    /// <summary>The <c>size</c>/<c>type</c> union.</summary>
    public uint SizeOrType => _spec.ReadWord(Offset + 8);

    public BtfKind Kind => (BtfKind)((Info >> 24) & 0x1f);

    public int Vlen => (int)(Info & 0xffff);

    public bool KindFlag => (Info >> 31) != 0;

    /// <summary>The <paramref name="index"/>-th 32-bit word after the 12-byte common header.</summary>
    public uint Word(int index) => _spec.ReadWord(Offset + 12 + (4 * index));
}
