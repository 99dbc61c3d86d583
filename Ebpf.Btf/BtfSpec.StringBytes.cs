namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    /// <summary>This blob's own string section (not its base's), as raw bytes.</summary>
    internal ReadOnlySpan<byte> OwnStringBytes => _raw.Span.Slice(_stringStart, _stringLength);
}
