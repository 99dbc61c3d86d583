namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    /// <summary>A reader over the type records this blob defines, ids <see cref="FirstTypeId"/> to <see cref="LastTypeId"/>, in order.</summary>
    /// <returns>A reader positioned before the first record.</returns>
    public BtfTypeReader GetTypeReader()
    {
        var raw = _raw.Span;
        return new BtfTypeReader(this, raw, _offsets, raw.Slice(_stringStart, _stringLength), StringOffsetBase, _bigEndian);
    }
}
