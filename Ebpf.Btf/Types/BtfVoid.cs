namespace Ebpf.Btf;

/// <summary>Type id 0: <c>void</c>.</summary>
public sealed class BtfVoid : BtfType
{
    private BtfVoid()
        : base(0, "")
    {
    }

    /// <summary>The one <c>void</c> type.</summary>
    public static BtfVoid Instance { get; } = new();

    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Void;
}
